using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Operators;

/// <summary>
/// float32 exp, ln, tanh, sin and cos for one value at a time, built only from IEEE add, multiply, divide, round and
/// bit moves, so that host code and GPU kernels run the same algorithm.
/// <para>
/// Why: a GPU compiler maps float <c>MathF.Tanh</c>, <c>Sin</c>, <c>Cos</c> and <c>Log</c> to the hardware's
/// approximations (PTX <c>tanh.approx</c>, <c>sin.approx</c>, <c>cos.approx</c>, <c>lg2.approx</c>). Measured on an
/// H100: tanh off by up to 2·10⁻⁵ relative, and Box–Muller normals off by up to 3.5·10⁻⁵, where the host's C library is
/// within an ulp. These versions are within 2 ulps on the ranges ScalarMathTests sweep.
/// </para>
/// <para>
/// No fused multiply-add: ILGPU 1.5 has no portable FMA (<c>MathF.FusedMultiplyAdd</c> becomes an unresolved external
/// function that the CUDA driver and OpenCL compilers reject), so the steps are <see cref="VectorMath"/>'s with plain
/// multiply-adds, and the results can differ from a vector lane's in the last bit. (A GPU compiler may still contract
/// a multiply and an add into one FMA; the accuracy holds either way.)
/// </para>
/// </summary>
public static class ScalarMath
{
    // VectorMath's float constants (see there for what each is).
    private const float Ln2High = VectorMath.Ln2HighSingle;
    private const float Ln2Low = VectorMath.Ln2LowSingle;
    private const float Log2E = VectorMath.Log2ESingle;
    private const float MinNormal = VectorMath.MinNormalSingle;
    private const float SqrtTwo = (float)VectorMath.SqrtTwo;
    private const float TanhSeriesLimit = (float)VectorMath.TanhSeriesLimit;

    // π/2 in four parts for Cody–Waite reduction, the first three of 8 significant bits each, so that for |q| < 2¹⁶
    // (|x| < 102,943) their products with q are exact; the sum of the four is π/2 to within 5·10⁻¹⁷.
    private const float HalfPi1 = 1.5703125f;
    private const float HalfPi2 = 4.84466552734375e-4f;
    private const float HalfPi3 = -6.407499313354492e-7f;
    private const float HalfPi4 = 9.92093629470503e-10f;
    private const float TwoOverPi = 0.636619772367581343076f;

    /// <summary>eˣ (0 below −104, +∞ above 89, NaN for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        if (float.IsNaN(x)) return x;
        float clamped = MathF.Min(MathF.Max(x, -104.0f), 89.0f);
        float k = MathF.Round(clamped * Log2E);
        float r = clamped - k * Ln2High;
        r -= k * Ln2Low;
        float p = 1.0f / 5040.0f;
        p = p * r + 1.0f / 720.0f;
        p = p * r + 1.0f / 120.0f;
        p = p * r + 1.0f / 24.0f;
        p = p * r + 1.0f / 6.0f;
        p = p * r + 0.5f;
        p = p * r + 1.0f;
        p = p * r + 1.0f;
        float k1 = MathF.Floor(k * 0.5f);
        float k2 = k - k1;
        p *= PowerOfTwo(k1);
        p *= PowerOfTwo(k2);
        return p;
    }

    /// <summary>ln x (−∞ at ±0, NaN below 0 and for NaN, +∞ at +∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x)
    {
        if (!(x >= MinNormal) || x == float.PositiveInfinity) return LogOfUnusual(x);
        return LogOfNormal(x, 0.0f);
    }

    private static float LogOfUnusual(float x)
    {
        if (float.IsNaN(x) || x < 0.0f) return float.NaN;
        if (x == 0.0f) return float.NegativeInfinity;
        if (x == float.PositiveInfinity) return x;
        // Subnormal: scale into the normal range (exact) and take the 24 binary orders back off.
        return LogOfNormal(x * 16777216.0f, 24.0f);
    }

    // ln x = e · ln 2 + ln m with x = 2^e · m, m ∈ [√½, √2); ln m = 2 artanh s, s = (m − 1)/(m + 1) (see VectorMath).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float LogOfNormal(float x, float extraBinaryOrders)
    {
        int bits = Unsafe.As<float, int>(ref x);
        int exponentField = (int)((uint)bits >> 23);
        int mantissaBits = (bits & 0x007FFFFF) | 0x3F800000;
        float m = Unsafe.As<int, float>(ref mantissaBits);
        float exponent = exponentField - 127.0f - extraBinaryOrders;
        if (m > SqrtTwo)
        {
            m *= 0.5f;
            exponent += 1.0f;
        }
        float f = m - 1.0f;
        float s = f / (m + 1.0f);
        float z = s * s;
        float series = 1.0f / 9.0f;
        series = series * z + 1.0f / 7.0f;
        series = series * z + 1.0f / 5.0f;
        series = series * z + 1.0f / 3.0f;
        float twoS = s + s;
        float logM = twoS * z * series + twoS;
        return exponent * Ln2High + (exponent * Ln2Low + logM);
    }

    /// <summary>tanh x: its Taylor series below |x| = 0.55, 1 − 2/(e^{2|x|} + 1) above, the sign of x (tanh(−0) = −0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float magnitude = MathF.Abs(x);
        float result;
        if (magnitude < TanhSeriesLimit)
        {
            // tanh x = Σ aₙ x^{2n+1}, a = 1, −1/3, 2/15, −17/315, … (VectorMath.TanhTaylorCoefficients), by Horner in x².
            float square = magnitude * magnitude;
            float sum = (float)(6404582.0 / 10854718875.0);
            sum = sum * square + (float)(-929569.0 / 638512875.0);
            sum = sum * square + (float)(21844.0 / 6081075.0);
            sum = sum * square + (float)(-1382.0 / 155925.0);
            sum = sum * square + (float)(62.0 / 2835.0);
            sum = sum * square + (float)(-17.0 / 315.0);
            sum = sum * square + (float)(2.0 / 15.0);
            sum = sum * square + (float)(-1.0 / 3.0);
            sum = sum * square + 1.0f;
            result = sum * magnitude;
        }
        else result = 1.0f - 2.0f / (Exp(magnitude + magnitude) + 1.0f);
        if (float.IsNaN(x)) return x;
        return CopySign(result, x);
    }

    /// <summary>
    /// sin x: within 2 ulps for |x| ≤ 8 (Box–Muller's angles lie in (0, 2π]) and within 3 ulps plus 10⁻¹⁰ absolute
    /// (which tells only near the zeros) up to |x| = 102,943; beyond that the reduction is no longer exact and the result
    /// is only kept within [−1, 1]. There is deliberately no fallback to <see cref="MathF.Sin"/>: in a GPU kernel that would
    /// bring back the hardware's approximation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sin(float x)
    {
        if (!float.IsFinite(x)) return float.NaN;
        float r = Reduce(x, out int quadrant);
        return OfQuadrant(r, quadrant);
    }

    /// <summary>cos x, as accurate as <see cref="Sin"/> over the same ranges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Cos(float x)
    {
        if (!float.IsFinite(x)) return float.NaN;
        float r = Reduce(x, out int quadrant);
        // cos x = sin(x + π/2): one quadrant further on.
        return OfQuadrant(r, quadrant + 1);
    }

    // sin(q · π/2 + r) for the quadrant q mod 4: ±sin r or ±cos r.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float OfQuadrant(float r, int quadrant) => (quadrant & 3) switch
    {
        0 => SinOfReduced(r),
        1 => CosOfReduced(r),
        2 => -SinOfReduced(r),
        _ => -CosOfReduced(r),
    };

    // x = q · π/2 + r with q = round(x · 2/π) and |r| ≤ π/4 (a hair more where x · 2/π rounds).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(float x, out int quadrant)
    {
        float q = MathF.Round(x * TwoOverPi);
        float r = x - q * HalfPi1;
        r -= q * HalfPi2;
        r -= q * HalfPi3;
        r -= q * HalfPi4;
        // |r| passes π/4 a little where x · 2/π rounds; far beyond the exact range one pass cannot reduce x at all, and the
        // clamp keeps the series where it converges (its r¹³/13! term is 2·10⁻¹⁰ at |r| = 1), so the result stays in [−1, 1].
        r = MathF.Min(MathF.Max(r, -1.0f), 1.0f);
        // q mod 4, exact for every float q (q · 0.25 and the floor are exact), so no integer conversion can overflow.
        quadrant = (int)(q - 4.0f * MathF.Floor(q * 0.25f));
        return r;
    }

    // Taylor series on |r| ≤ π/4: the first omitted terms, r¹³/13! and r¹⁴/14!, are below 10⁻¹¹.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SinOfReduced(float r)
    {
        float z = r * r;
        float p = 1.0f / 39916800.0f;
        p = p * z - 1.0f / 362880.0f;
        p = p * z + 1.0f / 5040.0f;
        p = p * z - 1.0f / 120.0f;
        p = p * z + 1.0f / 6.0f;
        // sin r = r − r³ (1/6 − r²/120 + …), with r added last to keep its full precision.
        return r - (r * z) * p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float CosOfReduced(float r)
    {
        float z = r * r;
        float p = 1.0f / 479001600.0f;
        p = p * z - 1.0f / 3628800.0f;
        p = p * z + 1.0f / 40320.0f;
        p = p * z - 1.0f / 720.0f;
        p = p * z + 1.0f / 24.0f;
        p = p * z - 0.5f;
        return p * z + 1.0f;
    }

    // 2^n for integer-valued n ∈ [−126, 127]: the biased exponent goes straight into the exponent field.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float PowerOfTwo(float n)
    {
        int bits = ((int)n + 127) << 23;
        return Unsafe.As<int, float>(ref bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float CopySign(float magnitude, float sign)
    {
        int bits = (Unsafe.As<float, int>(ref magnitude) & 0x7FFFFFFF) | (Unsafe.As<float, int>(ref sign) & unchecked((int)0x80000000));
        return Unsafe.As<int, float>(ref bits);
    }

    // The generic forms, for code over T (operators, GPU kernels). Each tells float from double with sizeof(T), which
    // ILGPU folds to a constant (no delegates or function pointers: GPU code cannot call through them).

    /// <summary>eˣ in <typeparamref name="T"/>: <see cref="Exp(float)"/> for float32, the runtime's for float64 (accurate on GPUs too: ILGPU compiles float64 functions to software routines).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T Exp<T>(T x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (sizeof(T) != sizeof(float)) return T.Exp(x);
        float y = Exp(Unsafe.As<T, float>(ref x));
        return Unsafe.As<float, T>(ref y);
    }

    /// <summary>ln x in <typeparamref name="T"/>: <see cref="Log(float)"/> for float32, the runtime's for float64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T Log<T>(T x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (sizeof(T) != sizeof(float)) return T.Log(x);
        float y = Log(Unsafe.As<T, float>(ref x));
        return Unsafe.As<float, T>(ref y);
    }

    /// <summary>tanh x in <typeparamref name="T"/>: <see cref="Tanh(float)"/> for float32, the runtime's for float64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T Tanh<T>(T x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (sizeof(T) != sizeof(float)) return T.Tanh(x);
        float y = Tanh(Unsafe.As<T, float>(ref x));
        return Unsafe.As<float, T>(ref y);
    }

    /// <summary>sin x in <typeparamref name="T"/>: <see cref="Sin(float)"/> for float32, the runtime's for float64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T Sin<T>(T x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (sizeof(T) != sizeof(float)) return T.Sin(x);
        float y = Sin(Unsafe.As<T, float>(ref x));
        return Unsafe.As<float, T>(ref y);
    }

    /// <summary>cos x in <typeparamref name="T"/>: <see cref="Cos(float)"/> for float32, the runtime's for float64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T Cos<T>(T x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (sizeof(T) != sizeof(float)) return T.Cos(x);
        float y = Cos(Unsafe.As<T, float>(ref x));
        return Unsafe.As<float, T>(ref y);
    }
}
