using System.Diagnostics;
using System.Globalization;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Host;

namespace ScratchVae.Bench.Convolution;

/// <summary>
/// The host's two ways to run a convolution, side by side on the convolutional VAE's forward convolutions (batch 128):
/// unfolded patches into the packed GEMM (HostBackend.Conv2d, what training uses) and <see cref="DirectConvolution"/>,
/// rounds alternating in one process; the same outputs checked first.
/// </summary>
public static unsafe class ConvolutionBenchmark
{
    public static int Run(string[] args)
    {
        int threads = int.Parse(Option(args, "--threads", "2"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Option(args, "--rounds", "7"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Option(args, "--batch", "128"), CultureInfo.InvariantCulture);
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

    private static string Option(string[] args, string name, string fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
