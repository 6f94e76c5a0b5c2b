using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Random;

/// <summary>
/// How the engine turns Philox blocks into uniform and normal numbers. Every backend calls these same
/// functions per element, so a (seed, counter offset) pair gives the same uniforms everywhere.
/// <para>
/// float32: element i of a fill starting at counter offset c uses block (c + i / 4), word i mod 4:
/// u = ((w &gt;&gt; 8) + 1) · 2⁻²⁴ ∈ (0, 1].
/// float64: element i uses block (c + i / 2), words 2(i mod 2) and 2(i mod 2) + 1:
/// u = ((hi · 2²¹ + (lo &gt;&gt; 11)) + 1) · 2⁻⁵³ ∈ (0, 1].
/// Normals (Box–Muller) pair elements 2j and 2j + 1: with u1 = u[2j] ∈ (0, 1] (so log u1 is finite) and
/// u2 = u[2j + 1], z[2j] = √(−2 ln u1) cos(2π u2) and z[2j + 1] = √(−2 ln u1) sin(2π u2).
/// </para>
/// </summary>
public static class RandomStreams
{
    // The element type is told apart with sizeof(T) and values are handed over with Unsafe.As rather than
    // typeof(T) comparisons and T.CreateTruncating: ILGPU cannot compile System.Type or the generic-math
    // conversion routines (which branch on typeof internally) into GPU code, whereas it folds sizeof(T) to a
    // constant and treats Unsafe.As as a plain reinterpretation. The numbers are the same either way.

    /// <summary>Elements of <typeparamref name="T"/> produced by one Philox block: 4 for float, 2 for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int ElementsPerBlock<T>() where T : unmanaged, IFloatingPointIeee754<T> => sizeof(T) == sizeof(float) ? 4 : 2;

    /// <summary>The number of counter values a fill of <paramref name="length"/> elements consumes; advance the offset by this much.</summary>
    public static ulong BlocksUsed<T>(long length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long perBlock = ElementsPerBlock<T>();
        return (ulong)((length + perBlock - 1) / perBlock);
    }

    /// <summary>Uniform element <paramref name="index"/> in (0, 1] of the stream (seed, counterOffset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T Uniform<T>(ulong seed, ulong counterOffset, long index) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (sizeof(T) == sizeof(float))
        {
            float single = UniformSingle(seed, counterOffset, index);
            return Unsafe.As<float, T>(ref single);
        }
        double value = UniformDouble(seed, counterOffset, index);
        return Unsafe.As<double, T>(ref value);
    }

    /// <summary>The float32 uniform: block (c + i / 4), word i mod 4, u = ((w &gt;&gt; 8) + 1) · 2⁻²⁴ ∈ (0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float UniformSingle(ulong seed, ulong counterOffset, long index)
    {
        var block = Philox4x32.ForStream(seed, counterOffset + (ulong)(index >> 2));
        uint word = block.Word((int)(index & 3));
        return ((word >> 8) + 1u) * (1.0f / 16777216.0f);
    }

    /// <summary>The float64 uniform: block (c + i / 2), words (hi, lo) = (2(i mod 2), 2(i mod 2) + 1), u = ((hi · 2²¹ + (lo &gt;&gt; 11)) + 1) · 2⁻⁵³ ∈ (0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double UniformDouble(ulong seed, ulong counterOffset, long index)
    {
        var block = Philox4x32.ForStream(seed, counterOffset + (ulong)(index >> 1));
        bool second = (index & 1) != 0;
        uint hi = second ? block.X2 : block.X0;
        uint lo = second ? block.X3 : block.X1;
        ulong bits53 = ((ulong)hi << 21) | (lo >> 11);
        return (bits53 + 1ul) * (1.0 / 9007199254740992.0);
    }

    /// <summary>Standard normal element <paramref name="index"/> of the stream (seed, counterOffset), then scaled: mean + std · z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Normal<T>(ulong seed, ulong counterOffset, long index, T mean, T standardDeviation) where T : unmanaged, IFloatingPointIeee754<T>
        => Normal<T, LibraryFunctions>(seed, counterOffset, index, mean, standardDeviation);

    /// <summary>
    /// As <see cref="Normal{T}"/>, with ln, sin and cos from <typeparamref name="TFunctions"/> (GPU kernels use
    /// <see cref="PortableFunctions"/>, whose float32 results agree with the host's to a few ulps).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Normal<T, TFunctions>(ulong seed, ulong counterOffset, long index, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T> where TFunctions : struct, IElementaryFunctions
    {
        long pair = index & ~1L;
        T u1 = Uniform<T>(seed, counterOffset, pair);
        T u2 = Uniform<T>(seed, counterOffset, pair + 1);
        // Box–Muller: z0 = √(−2 ln u1) cos(2π u2), z1 = √(−2 ln u1) sin(2π u2); u1 ∈ (0, 1] keeps ln u1 finite.
        T radius = T.Sqrt(FromDouble<T>(-2.0) * TFunctions.Log(u1));
        T angle = FromDouble<T>(2.0 * Math.PI) * u2;
        T z = (index & 1) == 0 ? radius * TFunctions.Cos(angle) : radius * TFunctions.Sin(angle);
        return mean + standardDeviation * z;
    }

    /// <summary>(T)value, rounded to nearest as a cast (and as T.CreateTruncating) rounds, in a form GPU compilers accept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe T FromDouble<T>(double value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (sizeof(T) == sizeof(float))
        {
            float single = (float)value;
            return Unsafe.As<float, T>(ref single);
        }
        return Unsafe.As<double, T>(ref value);
    }
}
