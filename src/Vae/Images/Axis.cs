using System.Globalization;

namespace ScratchVae.Vae.Images;

/// <summary>
/// A linear map from data values to pixels over [<see cref="Minimum"/>, <see cref="Maximum"/>], widened to round
/// tick values (1, 2 or 5 times a power of ten) so that the ends of the axis carry labels.
/// </summary>
public sealed class Axis
{
    private readonly int _from;
    private readonly int _to;

    /// <summary>
    /// An axis covering <paramref name="low"/> … <paramref name="high"/> drawn from pixel <paramref name="from"/> to
    /// <paramref name="to"/> (either direction), about <paramref name="ticks"/> steps long, none shorter than
    /// <paramref name="minimumStep"/> (1 for epochs, say).
    /// </summary>
    public Axis(double low, double high, int from, int to, int ticks = 5, double minimumStep = 0)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high)) (low, high) = (0, 1);
        if (high <= low) (low, high) = (low - 0.5, low + 0.5);
        Step = Math.Max(NiceStep((high - low) / Math.Max(1, ticks)), minimumStep);
        Minimum = Math.Floor(low / Step) * Step;
        Maximum = Math.Ceiling(high / Step) * Step;
        _from = from;
        _to = to;
    }

    /// <summary>The value at the first pixel.</summary>
    public double Minimum { get; }

    /// <summary>The value at the last pixel.</summary>
    public double Maximum { get; }

    /// <summary>The distance between ticks.</summary>
    public double Step { get; }

    /// <summary>The tick values, Minimum to Maximum.</summary>
    public IEnumerable<double> Ticks()
    {
        int count = (int)Math.Round((Maximum - Minimum) / Step);
        for (int i = 0; i <= count; i++) yield return Minimum + i * Step;
    }

    /// <summary>The pixel of <paramref name="value"/>.</summary>
    public int Pixel(double value) => _from + (int)Math.Round((value - Minimum) / (Maximum - Minimum) * (_to - _from));

    /// <summary>A tick label with as many decimals as the step needs ("0.5", "120", "-2").</summary>
    public string Label(double value)
    {
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(Step) + 1e-9));
        if (Math.Abs(value) < Step * 1e-6) value = 0;
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>The smallest of 1, 2, 5 × 10ᵏ that is at least <paramref name="rough"/>.</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough)) return 1;
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (double factor in new[] { 1.0, 2.0, 5.0, 10.0 })
            if (factor * power >= rough * (1 - 1e-9)) return factor * power;
        return 10 * power;
    }
}
