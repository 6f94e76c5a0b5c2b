using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels.Host;

namespace ScratchVae.Bench.Gemm;

/// <summary>
/// Measures this machine's float FMA peak: each thread runs independent chains of vector FMAs (more chains than
/// the FMA latency × throughput product, so the pipes never wait) with no memory traffic (<see cref="FmaChains"/>). GEMM figures are read as
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
        => Vector512.IsHardwareAccelerated ? FmaChains.Run512(iterations) : FmaChains.Run256(iterations);
}
