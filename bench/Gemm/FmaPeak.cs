using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchVae.Bench.Gemm;

/// <summary>
/// Measures this machine's float FMA peak: each thread runs independent chains of vector FMAs (more chains than
/// the FMA latency × throughput product, so the pipes never wait) with no memory traffic. GEMM figures are read as
/// a fraction of this number.
/// </summary>
public static class FmaPeak
{
    /// <summary>GFLOP/s of <paramref name="threads"/> threads running FMAs for about <paramref name="seconds"/>.</summary>
    public static double Measure(int threads, double seconds = 0.3)
    {
        Chains(1000); // compile before timing
        long iterations = 1_000_000;
        var watch = Stopwatch.StartNew();
        Chains(iterations);
        double once = watch.Elapsed.TotalSeconds;
        iterations = Math.Max(iterations, (long)(iterations * seconds / Math.Max(once, 1e-6)));

        using var start = new Barrier(threads);
        var workers = new Thread[threads];
        double[] elapsed = new double[threads];
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                var w = Stopwatch.StartNew();
                Chains(iterations);
                elapsed[index] = w.Elapsed.TotalSeconds;
            });
            workers[t].Start();
        }
        foreach (var worker in workers) worker.Join();
        // flops per iteration: 12 chains × lanes × 2 (multiply and add)
        double flops = 12.0 * LanesPerVector * 2 * iterations;
        return threads * flops / elapsed.Max() / 1e9;
    }

    private static int LanesPerVector => Vector512.IsHardwareAccelerated ? 16 : 8;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains(long iterations)
        => Vector512.IsHardwareAccelerated ? Chains512(iterations) : Chains256(iterations);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        Vector256<float> x = Vector256.Create(0.9999999f), y = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        Vector512<float> x = Vector512.Create(0.9999999f), y = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }
}
