namespace ScratchVae.Vae.Demonstrations;

/// <summary>The mean, smallest and largest of one figure over the seeds.</summary>
public readonly record struct Spread(double Mean, double Min, double Max)
{
    /// <summary>The spread of <paramref name="values"/> (at least one).</summary>
    public static Spread Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) throw new ArgumentException("A spread needs at least one value.", nameof(values));
        return new Spread(list.Average(), list.Min(), list.Max());
    }
}
