using System.Diagnostics;
using System.Globalization;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Bench.Gemm;

/// <summary>
/// The fast GEMM table: `gemm --quick [--threads N] [--seconds S] [--shapes a,b,…] [--isa Vector256|…] [--double] [--csv] [--plan] [--peak-each] [--backend NAME]` (an ILGPU NAME may end in "/no-split-k": the tiled GEMM without its k-split; "/tiled64" or "/tiled128": that tiled kernel at every shape instead of the per-shape rule; "/sum-pass": a split product's partial sums added by a second launch).
/// --peak-each measures the FMA peak again (0.1 s) right before each shape and reads that shape against it, so that
/// a shape and its peak see the same load on a shared machine.
/// Without --backend the host GEMM runs directly; with it, through GemmRunners (Backends.Create) in float.
/// Each shape is warmed up, then timed in batches of ≥ 20 ms for about S seconds; the table shows the median and
/// the best batch in GFLOP/s (2·m·n·k per multiply), the median as a share of the measured FMA peak, and the
/// CPU-time rate (see <see cref="Measure"/>). On a shared machine the best batch and the CPU-time rate are the
/// better estimates of what the code can do, the median of what it did.
/// </summary>
public static class QuickGemm
{
    /// <summary>The suite and its flag table.</summary>
    public static Verb Verb { get; } = new("gemm", "matrix multiply, squares and the VAE's shapes",
        [
            BenchFlags.Quick,
            Flag.Int("threads", "threads of the GEMM", min: 1) with { DefaultNote = "all cores" },
            Flag.Double("seconds", "time per shape", 0.5, min: 0, max: 3600, exclusiveMin: true),
            Flag.List("shapes", "MxNxK[:TT] shapes, or the lists square, vae, all", "all", "S[,S…]"),
            Flag.Choice("isa", "the host's micro-kernels", "Auto", Enum.GetNames<GemmInstructionSet>()),
            Flag.Switch("double", "float64 instead of float32"),
            Flag.Switch("csv", "comma-separated values instead of the table"),
            Flag.Switch("plan", "print each shape's plan"),
            Flag.Switch("peak-each", "measure the FMA peak again before each shape"),
            Flag.String("backend", "run through a backend (host, cuda, opencl, …; an ILGPU one may end in /tiled64, /tiled128, /no-split-k, /sum-pass)", placeholder: "NAME") with { DefaultNote = "the host GEMM directly" },
        ], Run) { Details = BenchFlags.BenchmarkDotNetDetails };

    /// <summary>Runs the table; returns the process exit code.</summary>
    public static int Run(Flags flags)
    {
        int threads = flags.OptionalInt("threads") ?? Environment.ProcessorCount;
        double seconds = flags.Double("seconds");
        bool csv = flags.Has("csv"), useDouble = flags.Has("double"), showPlan = flags.Has("plan"), peakEach = flags.Has("peak-each");
        string? backend = flags.OptionalString("backend");
        var instructionSet = Enum.Parse<GemmInstructionSet>(flags.Choice("isa"));
        IEnumerable<string> shapeTexts = ExpandShapes(flags.String("shapes"));

        GemmShape[] shapes = shapeTexts.Select(GemmShape.Parse).ToArray();
        using var pool = new Kernels.Host.Parallel.WorkerPool(threads);
        double peak = FmaPeak.Measure(threads);
        string resolved = instructionSet == GemmInstructionSet.Auto ? PackedGemm.Preferred.ToString() : instructionSet.ToString();
        if (csv) Console.WriteLine("shape,median_gflops,max_gflops,peak_gflops,cpu_median_gflops");
        else
        {
            Console.WriteLine($"{backend ?? "host"} GEMM, {(useDouble ? "double" : "float")}, {threads} threads, {resolved} kernels; float FMA peak measured now: {peak:F1} GFLOP/s" + (useDouble ? " (double peak is half)" : ""));
            var machine = Kernels.Host.MachineProperties.Current;
            int bits = resolved == nameof(GemmInstructionSet.Vector512) ? 512 : resolved == nameof(GemmInstructionSet.Vector256) ? 256 : 8 * (useDouble ? 8 : 4);
            string[] exceptions = GemmCostModel.ExceptionsFor(machine, bits, useDouble ? 8 : 4).ToArray();
            Console.WriteLine($"planner's machine: {machine}; measured exceptions: {(exceptions.Length == 0 ? "none" : string.Join(", ", exceptions))}");
            Console.WriteLine($"{"shape",-20} {"median GFLOP/s",15} {"best GFLOP/s",13} {"median/peak",12} {"µs/call",10} {"CPU-time GFLOP/s",17}");
        }

        foreach (GemmShape shape in shapes)
        {
            using IGemmRunner runner = backend is not null ? GemmRunners.Create(backend, shape, threads)
                : useDouble ? new HostGemmRunner<double>(shape, threads, instructionSet, pool)
                : new HostGemmRunner<float>(shape, threads, instructionSet, pool);
            if (peakEach) peak = FmaPeak.Measure(threads, 0.1);
            var (median, best, cpuMedian) = Measure(runner, shape, seconds, threads);
            if (csv) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape},{median:F2},{best:F2},{peak:F2},{cpuMedian:F2}"));
            else Console.WriteLine($"{shape,-20} {median,15:F1} {best,13:F1} {median / peak,11:P0} {shape.Flops / median / 1e3,10:F1} {cpuMedian,17:F1}"
                                   + (showPlan ? "  " + PackedGemm.DescribePlan(instructionSet, shape.TransposeA, shape.TransposeB, shape.M, shape.N, shape.K, threads) : ""));
        }
        return 0;
    }

    // "square" and "vae" stand for the standard lists.
    private static IEnumerable<string> ExpandShapes(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries)
        .SelectMany(item => item switch { "square" => GemmShapes.Square, "vae" => GemmShapes.Vae, "all" => GemmShapes.All, _ => [item] });

    /// <summary>
    /// Median and best GFLOP/s over batches of calls, and the median of the CPU-time rate: flops · threads / process
    /// CPU seconds. The latter estimates what the threads would do with dedicated cores, since time spent
    /// descheduled by other processes does not count (time spent spinning while waiting does).
    /// </summary>
    public static (double Median, double Best, double CpuMedian) Measure(IGemmRunner runner, GemmShape shape, double seconds, int threads)
    {
        // Warm-up: the first calls compile, grow the packing buffers and wake the workers.
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (calls < 3 || watch.Elapsed.TotalSeconds < Math.Min(0.1, seconds / 4)) { runner.Run(); calls++; }
        double perCall = watch.Elapsed.TotalSeconds / calls;
        int batch = Math.Max(1, (int)(0.02 / perCall));

        var rates = new List<double>();
        var cpuRates = new List<double>();
        using var process = Process.GetCurrentProcess();
        watch.Restart();
        while (rates.Count < 5 || watch.Elapsed.TotalSeconds < seconds)
        {
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++) runner.Run();
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            rates.Add(shape.Flops * batch / elapsed / 1e9);
            cpuRates.Add(shape.Flops * batch * threads / Math.Max(cpu, 1e-9) / 1e9);
        }
        rates.Sort();
        cpuRates.Sort();
        return (rates[rates.Count / 2], rates[^1], cpuRates[cpuRates.Count / 2]);
    }
}
