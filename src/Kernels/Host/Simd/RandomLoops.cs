using System.Numerics;
using System.Runtime.CompilerServices;
using ScratchVae.Kernels.Random;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>
/// Philox fills that produce exactly the numbers of <see cref="RandomStreams.Uniform{T}"/> and
/// <see cref="RandomStreams.Normal{T}"/>, but generate each Philox block once for all the elements it
/// feeds (4 floats or 2 doubles) instead of once per element, and each Box–Muller pair once for both of
/// its outputs. The arithmetic is the same expression by expression, so the bits are the same.
/// </summary>
internal static unsafe class RandomLoops
{
    /// <summary>destination[i] = uniform element (first + i) of the stream (seed, counterOffset), for i &lt; count.</summary>
    [MethodImpl(HotLoop.Options)]
    public static void Uniform<T>(T* destination, long first, int count, ulong seed, ulong counterOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long index = first, end = first + count;
        int perBlock = RandomStreams.ElementsPerBlock<T>();
        while (index < end)
        {
            var block = Philox4x32.ForStream(seed, counterOffset + (ulong)(index / perBlock));
            for (int slot = (int)(index % perBlock); slot < perBlock && index < end; slot++, index++)
                destination[index - first] = UniformFromBlock<T>(block, slot);
        }
    }

    /// <summary>
    /// destination[i] = mean + standardDeviation · (normal element (first + i) of the stream), for i &lt; count.
    /// Box–Muller pairs elements (2j, 2j + 1): z₂ⱼ = √(−2 ln u₂ⱼ) cos(2π u₂ⱼ₊₁), z₂ⱼ₊₁ = √(−2 ln u₂ⱼ) sin(2π u₂ⱼ₊₁).
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static void Normal<T>(T* destination, long first, int count, ulong seed, ulong counterOffset, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long index = first, end = first + count;
        int perBlock = RandomStreams.ElementsPerBlock<T>();
        while (index < end)
        {
            var block = Philox4x32.ForStream(seed, counterOffset + (ulong)(index / perBlock));
            // A block holds whole pairs (4 floats = 2 pairs, 2 doubles = 1 pair), so pairs never straddle blocks.
            for (int pairSlot = (int)(index % perBlock) & ~1; pairSlot < perBlock && index < end; pairSlot += 2)
            {
                T u1 = UniformFromBlock<T>(block, pairSlot);
                T u2 = UniformFromBlock<T>(block, pairSlot + 1);
                // The same expressions, in the same order, as RandomStreams.Normal.
                T radius = T.Sqrt(T.CreateTruncating(-2.0) * T.Log(u1));
                T angle = T.CreateTruncating(2.0 * Math.PI) * u2;
                if ((index & 1) == 0)
                {
                    destination[index - first] = mean + standardDeviation * (radius * T.Cos(angle));
                    index++;
                }
                if (index < end)
                {
                    destination[index - first] = mean + standardDeviation * (radius * T.Sin(angle));
                    index++;
                }
            }
        }
    }

    // float: u = ((w >> 8) + 1) · 2⁻²⁴ from word `slot`; double: u = ((hi · 2²¹ + (lo >> 11)) + 1) · 2⁻⁵³ from words 2·slot, 2·slot + 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T UniformFromBlock<T>(in Philox4x32.Block block, int slot) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            uint word = block.Word(slot);
            return T.CreateTruncating(((word >> 8) + 1u) * (1.0f / 16777216.0f));
        }
        uint hi = slot == 0 ? block.X0 : block.X2;
        uint lo = slot == 0 ? block.X1 : block.X3;
        ulong bits53 = ((ulong)hi << 21) | (lo >> 11);
        return T.CreateTruncating((bits53 + 1ul) * (1.0 / 9007199254740992.0));
    }
}
