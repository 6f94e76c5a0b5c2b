using System.Diagnostics;
using System.Globalization;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Cli;

/// <summary><c>scratchvae devices [--gemm] [--threads N]</c>: what hardware the engine sees, and how fast its GEMM runs there.</summary>
public static class DevicesCommand
{
    // The GEMM shapes timed by --gemm: a square one and the VAE's first layer, X[128×784]·Wᵀ with W [400×784].
    private static readonly (string Label, int M, int N, int K, bool TransposeB)[] Shapes =
    [
        ("256x256x256", 256, 256, 256, false),
        ("128x784x400 (X·Wt)", 128, 400, 784, true),
    ];

    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("devices", "lists every device (type, name, memory, usable or why not)",
        [
            Flag.Switch("gemm", "also time a short GEMM on each usable device and check it against the host's result"),
            CommonFlags.Threads with { Help = "threads of the host backend for --gemm" },
        ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(Flags flags)
    {
        bool gemm = flags.Has("gemm");
        int? threads = flags.OptionalInt("threads");

        var devices = Device.List();
        Console.WriteLine($"{"device",-12} {"type",-10} {"memory",10}  {"usable",-6}  description / reason");
        foreach (var info in devices)
        {
            string memory = info.MemoryBytes > 0 ? $"{info.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB" : "-";
            string detail = info.Usable ? info.Description : $"{info.Description}: {info.Reason}";
            Console.WriteLine($"{info.Name,-12} {info.Type,-10} {memory,10}  {(info.Usable ? "yes" : "no"),-6}  {detail}");
        }
        if (!gemm) return 0;

        Console.WriteLine();
        Console.WriteLine($"{"device",-12} {"shape",-20} {"ms",9} {"GFLOP/s",9}  max |diff| vs host");
        var reference = new Dictionary<string, float[]>();
        foreach (var info in devices.Where(d => d.Usable))
        {
            var device = Device.Open(info.Name, info.Type == "host" ? threads : null);
            foreach (var shape in Shapes)
            {
                var (milliseconds, result) = TimeGemm(device, shape.M, shape.N, shape.K, shape.TransposeB);
                double gflops = 2.0 * shape.M * shape.N * shape.K / (milliseconds * 1e6);
                string agreement = "reference";
                if (reference.TryGetValue(shape.Label, out var expected))
                    agreement = MaxAbsoluteDifference(expected, result).ToString("E2", CultureInfo.InvariantCulture);
                else
                    reference[shape.Label] = result;
                Console.WriteLine($"{info.Name,-12} {shape.Label,-20} {milliseconds,9:F3} {gflops,9:F1}  {agreement}");
            }
        }
        return 0;
    }

    private static (double Milliseconds, float[] Result) TimeGemm(Device device, int m, int n, int k, bool transposeB)
    {
        using var a = Tensor<float>.Uniform(new Shape(m, k), seed: 1, device: device);
        using var b = Tensor<float>.Uniform(transposeB ? new Shape(n, k) : new Shape(k, n), seed: 2, device: device);
        using var c = Tensor<float>.Zeros(new Shape(m, n), device);
        var backend = device.Backend;
        // Warm up (JIT, kernel compilation), then time enough repetitions for a stable figure.
        backend.Gemm(false, transposeB, m, n, k, 1f, a.Buffer, b.Buffer, 0f, c.Buffer);
        backend.Synchronize();
        var clock = Stopwatch.StartNew();
        int repetitions = 0;
        do
        {
            backend.Gemm(false, transposeB, m, n, k, 1f, a.Buffer, b.Buffer, 0f, c.Buffer);
            backend.Synchronize();
            repetitions++;
        }
        while (clock.Elapsed.TotalMilliseconds < 300 && repetitions < 1000);
        return (clock.Elapsed.TotalMilliseconds / repetitions, c.ToArray());
    }

    private static double MaxAbsoluteDifference(float[] expected, float[] actual)
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        return worst;
    }
}
