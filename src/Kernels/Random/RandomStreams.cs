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
    /// <summary>Elements of <typeparamref name="T"/> produced by one Philox block: 4 for float, 2 for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ElementsPerBlock<T>() where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? 4 : 2;

    /// <summary>The number of counter values a fill of <paramref name="length"/> elements consumes; advance the offset by this much.</summary>
    public static ulong BlocksUsed<T>(long length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long perBlock = ElementsPerBlock<T>();
        return (ulong)((length + perBlock - 1) / perBlock);
    }

    /// <summary>Uniform element <paramref name="index"/> in (0, 1] of the stream (seed, counterOffset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Uniform<T>(ulong seed, ulong counterOffset, long index) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var block = Philox4x32.ForStream(seed, counterOffset + (ulong)(index >> 2));
            uint word = block.Word((int)(index & 3));
            return T.CreateTruncating(((word >> 8) + 1u) * (1.0f / 16777216.0f));
        }
        else
        {
            var block = Philox4x32.ForStream(seed, counterOffset + (ulong)(index >> 1));
            bool second = (index & 1) != 0;
            uint hi = second ? block.X2 : block.X0;
            uint lo = second ? block.X3 : block.X1;
            ulong bits53 = ((ulong)hi << 21) | (lo >> 11);
            return T.CreateTruncating((bits53 + 1ul) * (1.0 / 9007199254740992.0));
        }
    }

    /// <summary>Standard normal element <paramref name="index"/> of the stream (seed, counterOffset), then scaled: mean + std · z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Normal<T>(ulong seed, ulong counterOffset, long index, T mean, T standardDeviation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long pair = index & ~1L;
        T u1 = Uniform<T>(seed, counterOffset, pair);
        T u2 = Uniform<T>(seed, counterOffset, pair + 1);
        T radius = T.Sqrt(T.CreateTruncating(-2.0) * T.Log(u1));
        T angle = T.CreateTruncating(2.0 * Math.PI) * u2;
        T z = (index & 1) == 0 ? radius * T.Cos(angle) : radius * T.Sin(angle);
        return mean + standardDeviation * z;
    }
}
