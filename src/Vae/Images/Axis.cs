using System.Globalization;

namespace ScratchVae.Vae.Images;

/// <summary>
/// A map from data values to pixels over [<see cref="Minimum"/>, <see cref="Maximum"/>]: linear, widened to round
/// tick values (1, 2 or 5 times a power of ten) so that the ends of the axis carry labels; or logarithmic
/// (<see cref="Log"/>), widened to whole decades with a tick at each power of ten.
/// </summary>
public sealed class Axis
{
    private readonly int _from;
    private readonly int _to;

    private Axis(double minimum, double maximum, double step, int from, int to, bool logarithmic)
    {
        Minimum = minimum;
        Maximum = maximum;
        Step = step;
        _from = from;
        _to = to;
        Logarithmic = logarithmic;
    }

    /// <summary>
    /// A logarithmic axis covering <paramref name="low"/> … <paramref name="high"/> (both &gt; 0), widened to the
    /// powers of ten around them, drawn from pixel <paramref name="from"/> to <paramref name="to"/>: equal ratios take
    /// equal lengths, and every decade carries a tick. Values ≤ 0 have no place on it and map to <paramref name="from"/>.
    /// </summary>
    public static Axis Log(double low, double high, int from, int to)
    {
        if (!(low > 0) || !double.IsFinite(low)) low = high > 0 && double.IsFinite(high) ? high / 10 : 1;
        if (!(high > 0) || !double.IsFinite(high)) high = low * 10;
        if (high < low) (low, high) = (high, low);
        double first = Math.Floor(Math.Log10(low) + 1e-9), last = Math.Ceiling(Math.Log10(high) - 1e-9);
        if (last <= first) last = first + 1;
        return new Axis(Math.Pow(10, first), Math.Pow(10, last), 10, from, to, logarithmic: true);
    }

    /// <summary>True for an axis made by <see cref="Log"/>; <see cref="Step"/> is then the factor 10 between ticks.</summary>
    public bool Logarithmic { get; }

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

    /// <summary>The distance between ticks (a logarithmic axis: the factor between them, 10).</summary>
    public double Step { get; }

    /// <summary>The tick values, Minimum to Maximum.</summary>
    public IEnumerable<double> Ticks()
    {
        if (Logarithmic)
        {
            int decades = (int)Math.Round(Math.Log10(Maximum / Minimum));
            double first = Math.Round(Math.Log10(Minimum));
            for (int i = 0; i <= decades; i++) yield return Math.Pow(10, first + i);
            yield break;
        }
        int count = (int)Math.Round((Maximum - Minimum) / Step);
        for (int i = 0; i <= count; i++) yield return Minimum + i * Step;
    }

    /// <summary>The pixel of <paramref name="value"/>.</summary>
    public int Pixel(double value)
    {
        if (!Logarithmic) return _from + (int)Math.Round((value - Minimum) / (Maximum - Minimum) * (_to - _from));
        if (!(value > 0)) return _from;
        return _from + (int)Math.Round(Math.Log10(value / Minimum) / Math.Log10(Maximum / Minimum) * (_to - _from));
    }

    /// <summary>
    /// A tick label with as many decimals as the step needs ("0.5", "120", "-2"); on a logarithmic axis as many as the
    /// power of ten needs ("0.01", "1", "1000"), and from 10⁶ on as "1e6".
    /// </summary>
    public string Label(double value)
    {
        if (Logarithmic)
        {
            if (!(value > 0)) return "0";
            int exponent = (int)Math.Floor(Math.Log10(value) + 1e-9);
            if (exponent >= 6 || exponent <= -6) return value.ToString("0.#e0", CultureInfo.InvariantCulture);
            return value.ToString("F" + Math.Max(0, -exponent), CultureInfo.InvariantCulture);
        }
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
