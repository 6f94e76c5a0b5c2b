using System.Diagnostics;
using System.Globalization;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Host;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Bench.Convolution;

/// <summary>
/// The host's two ways to run a convolution, side by side on the convolutional VAE's forward convolutions (batch 128):
/// unfolded patches into the packed GEMM (HostBackend.Conv2d, what training uses) and <see cref="DirectConvolution"/>,
/// rounds alternating in one process; the same outputs checked first.
/// </summary>
public static unsafe class ConvolutionBenchmark
{
    /// <summary>The suite and its flag table.</summary>
    public static Verb Verb { get; } = new("conv", "the host's convolution two ways on the conv VAE's shapes: unfolded patches into the GEMM against a direct loop",
        [
            BenchFlags.Quick,
            Flag.Int("threads", "threads of the host backend", 2, min: 1),
            Flag.Int("rounds", "alternating rounds", 7, min: 1),
            Flag.Int("batch", "examples per convolution", 128, min: 1, max: 1 << 16),
        ], Run);

    /// <summary>Runs the comparison; returns the process exit code.</summary>
    public static int Run(Flags flags)
    {
        int threads = flags.Int("threads");
        int rounds = flags.Int("rounds");
        int batch = flags.Int("batch");
        ConvolutionGeometry[] shapes =
        [
            ConvolutionGeometry.Square(batch, 1, 28, 28, 32, 4, 2, 1),
            ConvolutionGeometry.Square(batch, 32, 14, 14, 64, 4, 2, 1),
        ];
        using var backend = new HostBackend(threads);
        Console.WriteLine($"{backend.Description}; {rounds} alternating rounds; median ms and GFLOP/s (2 · N·O·P·Q·C·KH·KW flops)");
        Console.WriteLine($"{"shape",-72} {"im2col+GEMM",12} {"GFLOP/s",8} {"direct",10} {"GFLOP/s",8} {"direct/im2col",14}");
        foreach (var g in shapes)
        {
            var random = new Random(5);
            var x = Enumerable.Range(0, g.InputLength).Select(_ => (float)random.NextDouble()).ToArray();
            var w = Enumerable.Range(0, g.WeightLength).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var wt = DirectConvolution.TransposeWeights(g, w);
            using var xBuffer = backend.Allocate<float>(g.InputLength);
            using var wBuffer = backend.Allocate<float>(g.WeightLength);
            using var yBuffer = backend.Allocate<float>(g.OutputLength);
            backend.Upload<float>(x, xBuffer);
            backend.Upload<float>(w, wBuffer);
            var direct = new float[g.OutputLength];
            var viaGemm = new float[g.OutputLength];
            double flops = 2.0 * g.MultiplyAdds;
            var gemmTimes = new List<double>();
            var directTimes = new List<double>();
            fixed (float* px = x, pwt = wt, py = direct)
            {
                backend.Conv2d(g, xBuffer, wBuffer, yBuffer);
                DirectConvolution.Forward(g, px, pwt, py, threads);
                backend.Download(yBuffer, 0, viaGemm);
                double worst = viaGemm.Zip(direct, (a, b) => Math.Abs(a - b)).Max();
                if (worst > 1e-3) throw new InvalidOperationException($"the two convolutions disagree by {worst} on {g}");
                for (int round = 0; round < rounds; round++)
                {
                    gemmTimes.Add(Time(() => backend.Conv2d(g, xBuffer, wBuffer, yBuffer)));
                    nint a = (nint)px, b = (nint)pwt, c = (nint)py;
                    directTimes.Add(Time(() => DirectConvolution.Forward(g, (float*)a, (float*)b, (float*)c, threads)));
                }
            }
            double gemm = Median(gemmTimes), directMedian = Median(directTimes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{g,-72} {gemm * 1e3,12:F3} {flops / gemm / 1e9,8:F1} {directMedian * 1e3,10:F3} {flops / directMedian / 1e9,8:F1} {directMedian / gemm,14:F2}"));
        }
        return 0;
    }

    // The best of five back-to-back calls, in seconds.
    private static double Time(Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
