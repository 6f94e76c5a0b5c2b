namespace ScratchVae.Tests.Support;

/// <summary>The standard normal distribution in double precision, for statistical tests of the generators.</summary>
public static class NormalDistribution
{
    /// <summary>Φ(z) = ½ (1 + erf(z / √2)).</summary>
    public static double Cdf(double z) => 0.5 * (1.0 + Erf(z / Math.Sqrt(2.0)));

    /// <summary>
    /// erf x = (2/√π) e^{−x²} Σₙ 2ⁿ x^{2n+1} / (1·3·5···(2n+1)). Every term is positive, so the sum has no
    /// cancellation; it needs about 2x² + 30 terms, and beyond |x| = 6, erf is ±1 to double precision.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double magnitude = Math.Abs(x);
        if (magnitude > 6.0) return Math.Sign(x);
        double term = magnitude, sum = magnitude, square = magnitude * magnitude;
        for (int n = 1; n < 500; n++)
        {
            term *= 2.0 * square / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        double result = 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-square) * sum;
        return x < 0 ? -result : result;
    }

    /// <summary>
    /// The Kolmogorov–Smirnov statistic D = sup |Fₙ(x) − F(x)| of <paramref name="sample"/> (sorted in place) against <paramref name="cdf"/>.
    /// </summary>
    public static double KolmogorovSmirnov(double[] sample, Func<double, double> cdf)
    {
        Array.Sort(sample);
        int n = sample.Length;
        double statistic = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(sample[i]);
            statistic = Math.Max(statistic, Math.Max((i + 1.0) / n - f, f - (double)i / n));
        }
        return statistic;
    }

    /// <summary>
    /// The KS critical value at significance 0.001 for large n: √(−ln(α/2) / 2) / √n ≈ 1.949 / √n.
    /// </summary>
    public static double KolmogorovSmirnovCritical(int n) => Math.Sqrt(-Math.Log(0.001 / 2) / 2) / Math.Sqrt(n);
}
