using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Host;

/// <summary>
/// Twelve independent chains of vector FMAs with no memory traffic: more chains than FMA latency × pipes on any x86
/// core, so the pipes never wait. What a core's FMA rate is measured with (the planner's 512-bit pipe probe,
/// <see cref="MachineProperties"/>, and the benchmarks' FMA peak). Two methods, not one generic over the vector type:
/// Vector512 does not implement ISimdVector in .NET 10.
/// </summary>
internal static class FmaChains
{
    /// <summary>Runs 12 × <paramref name="iterations"/> Vector256 FMAs (12 · 8 · 2 flops each iteration).</summary>
    [MethodImpl(HotLoop.Options)]
    public static float Run256(long iterations)
    {
        Vector256<float> x = Vector256.Create(0.9999999f), y = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y); a2 = Vector256.FusedMultiplyAdd(a2, x, y);
            a3 = Vector256.FusedMultiplyAdd(a3, x, y); a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y); a8 = Vector256.FusedMultiplyAdd(a8, x, y);
            a9 = Vector256.FusedMultiplyAdd(a9, x, y); a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }

    /// <summary>Runs 12 × <paramref name="iterations"/> Vector512 FMAs (12 · 16 · 2 flops each iteration).</summary>
    [MethodImpl(HotLoop.Options)]
    public static float Run512(long iterations)
    {
        Vector512<float> x = Vector512.Create(0.9999999f), y = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y); a2 = Vector512.FusedMultiplyAdd(a2, x, y);
            a3 = Vector512.FusedMultiplyAdd(a3, x, y); a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y); a8 = Vector512.FusedMultiplyAdd(a8, x, y);
            a9 = Vector512.FusedMultiplyAdd(a9, x, y); a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }
}
