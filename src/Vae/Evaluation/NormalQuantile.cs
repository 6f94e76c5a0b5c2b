namespace ScratchVae.Vae.Evaluation;

/// <summary>
/// Φ⁻¹, the quantile function of the standard normal distribution, for laying latent grids out by probability
/// mass (Kingma &amp; Welling's manifold figures). Acklam's rational approximations: a central one for
/// 0.02425 ≤ p ≤ 0.97575 in r = (p − ½)², and tail ones in q = √(−2 log p); relative error below 1.2 · 10⁻⁹,
/// far finer than a pixel of any picture.
/// </summary>
public static class NormalQuantile
{
    private const double LowTail = 0.02425;
    private static readonly double[] CentralNumerator = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] CentralDenominator = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] TailNumerator = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] TailDenominator = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

    /// <summary>The z with Φ(z) = <paramref name="probability"/>, for a probability strictly between 0 and 1.</summary>
    public static double Of(double probability)
    {
        if (!(probability > 0 && probability < 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The normal quantile needs a probability strictly between 0 and 1.");
        if (probability < LowTail) return Tail(probability);
        if (probability > 1 - LowTail) return -Tail(1 - probability);
        // Central region: Φ⁻¹(p) ≈ q · A(r) / B(r), q = p − ½, r = q².
        double q = probability - 0.5, r = q * q;
        return q * Polynomial(CentralNumerator, r) / (r * Polynomial(CentralDenominator, r) + 1);
    }

    /// <summary>The lower tail: Φ⁻¹(p) ≈ C(q) / D(q), q = √(−2 log p) (and −Φ⁻¹(1 − p) for the upper tail, by symmetry).</summary>
    private static double Tail(double probability)
    {
        double q = Math.Sqrt(-2 * Math.Log(probability));
        return Polynomial(TailNumerator, q) / (q * Polynomial(TailDenominator, q) + 1);
    }

    /// <summary>Horner's rule, highest power first.</summary>
    private static double Polynomial(double[] coefficients, double x)
    {
        double value = 0;
        foreach (double coefficient in coefficients) value = value * x + coefficient;
        return value;
    }
}
