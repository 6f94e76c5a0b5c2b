using System.Numerics;

namespace ScratchVae.Tests.Support;

/// <summary>
/// The tolerances the kernel tests allow, by element type, as named constants. Float32 results are compared
/// with float64 references computed from the same (rounded) inputs, so the allowance covers the kernel's own
/// rounding only: a few units in the last place for one operation, growing with the length of a sum.
/// </summary>
public readonly record struct Tolerances(
    double ElementwiseRelative, double ElementwiseAbsolute,
    double DerivativeRelative, double DerivativeAbsolute,
    double SumRelativeToAbsoluteSum,
    double FusedRelative, double FusedAbsolute)
{
    /// <summary>
    /// float32 (unit roundoff 6·10⁻⁸): one elementwise function 2·10⁻⁶ relative ≈ 16 ulp (exp-based functions
    /// reach ~3 ulp) plus 2·10⁻⁷ absolute for results that are small differences of numbers near 1 (e^x − 1,
    /// log(1 + e^−|x|)); a derivative computed from a rounded forward output (1 − y², y(1 − y)) twice that
    /// relative and 10⁻⁶ absolute; sums within 10⁻⁵ · Σ|x| (sequential float summation of the sizes
    /// tested stays inside); fused multi-step results (Adam over several steps, BCE rows) 10⁻⁵ relative.
    /// </summary>
    public static readonly Tolerances Float32 = new(2e-6, 2e-7, 4e-6, 1e-6, 1e-5, 1e-5, 1e-6);

    /// <summary>float64 (unit roundoff 1.1·10⁻¹⁶): the same reasoning, scaled.</summary>
    public static readonly Tolerances Float64 = new(1e-13, 1e-14, 1e-12, 1e-13, 1e-13, 1e-12, 1e-13);

    /// <summary>The tolerances for <typeparamref name="T"/>.</summary>
    public static Tolerances For<T>() where T : IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? Float32 : Float64;
}
