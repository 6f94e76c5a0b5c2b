// Shape legend: B examples per batch (128), D pixels (784), H hidden units (400), Z latent dimensions (20).
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using System.Diagnostics;
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Cli;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Bench.Vae;

/// <summary>
/// One VAE training step on the host backend, as the trainer runs it (upload a batch and draw the noise, forward to
/// the loss by replaying the recorded graph, read the loss back, backward, Adam, zero the gradients), timed phase by
/// phase. Variants run in alternation within one process, so that the machine's load, which changes from second to
/// second, falls on all of them alike:
/// <list type="bullet">
/// <item>plain:N — the host backend with N threads; also counts managed bytes allocated and new device buffers per step.</item>
/// <item>eager:N — the same, but building the graph afresh every step on a tape that is reset after it (the way
/// the trainer worked before it replayed a recorded graph).</item>
/// <item>timed:N — plain behind <see cref="TimingBackend"/>, which adds a table of every primitive call by shape.</item>
/// </list>
/// Usage: bench vae-step [--variants plain:2,timed:2] [--rounds R] [--steps S] [--warmup W] [--batch B] [--hidden H] [--latent Z]
/// </summary>
internal static class TrainingStepBenchmark
{
    private const int FashionMnistTrainingImages = 60_000;

    private sealed class Rig : IDisposable
    {
        public required string Name;
        public required Device Device;
        public required IBackend Inner;
        public TimingBackend? Timing;
        public required VaeModel<float> Model;
        public required Adam<float> Optimizer;
        public required float[][] Batches;
        public required ElboGraph<float> Graph;
        public bool Eager;
        public int Next;
        public readonly List<double[]> Phases = []; // per step: upload, forward, backward, adam, zero, reset, total (seconds)
        public readonly List<double> CpuSecondsPerStep = [];
        public long AllocatedBytes;
        public readonly long[] AllocatedBytesByPhase = new long[PhaseNames.Length - 1]; // this thread's, per phase
        public long DeviceAllocations;
        public long MeasuredSteps;
        public long TimedSteps;

        public void Dispose()
        {
            Graph.Dispose();
            Optimizer.Dispose();
            Model.Dispose();
            Device.Pool.Dispose();
            Inner.Dispose();
        }
    }

    private static readonly string[] PhaseNames = ["upload", "forward", "backward", "adam", "zero-grad", "tape reset", "total"];

    /// <summary>The suite and its flag table.</summary>
    public static Verb Verb { get; } = new("vae-step", "one VAE training step on the host, phase and primitive times, allocations",
        [
            BenchFlags.Quick,
            Flag.List("variants", "KIND:THREADS rigs run in alternation; KIND is plain or timed (per phase and primitive)", "plain:2,timed:2", "V[,V…]"),
            Flag.Int("rounds", "rounds of every variant", 5, min: 1),
            Flag.Int("steps", "timed steps per round", 20, min: 1),
            Flag.Int("warmup", "untimed steps first", 10, min: 0),
            Flag.Int("batch", "examples per step", 128, min: 1, max: 1 << 16),
            Flag.Int("hidden", "hidden width", 400, min: 1, max: 1 << 16),
            Flag.Int("latent", "latent dimensions", 20, min: 1, max: 1 << 12),
            Flag.Choice("architecture", "fully connected or convolutional", "mlp", "mlp", "conv"),
        ], Run);

    /// <summary>Runs the benchmark with command-line options; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string variants = flags.String("variants");
        int rounds = flags.Int("rounds");
        int steps = flags.Int("steps");
        int warmup = flags.Int("warmup");
        int batch = flags.Int("batch");
        int hidden = flags.Int("hidden");
        int latent = flags.Int("latent");
        var architecture = flags.Choice("architecture") == "conv" ? Architecture.Conv : Architecture.Mlp;
        var options = new VaeOptions { Architecture = architecture, HiddenSizes = [hidden], LatentSize = latent };
        PrintWork(options, batch);

        var rigs = variants.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => MakeRig(v.Trim(), options, batch)).ToList();
        try
        {
            foreach (var rig in rigs)
            {
                if (rig.Timing is not null) rig.Timing.Recording = false;
                RunSteps(rig, options, warmup, record: false);
                if (rig.Timing is not null) { rig.Timing.Clear(); rig.Timing.Recording = true; }
            }
            for (int round = 0; round < rounds; round++)
                foreach (var rig in rigs) RunSteps(rig, options, steps, record: true);
            foreach (var rig in rigs) Report(rig, options, batch);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            Console.WriteLine($"process: peak RSS {process.PeakWorkingSet64 / 1048576.0:F1} MiB, RSS now {process.WorkingSet64 / 1048576.0:F1} MiB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MiB");
        }
        finally
        {
            foreach (var rig in rigs) rig.Dispose();
        }
        return 0;
    }

    private static Rig MakeRig(string spec, VaeOptions options, int batch)
    {
        var parts = spec.Split(':');
        int threads = 2;
        if (parts.Length > 1 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out threads) || threads < 1))
            throw new ArgumentException($"variant '{spec}': the thread count '{parts[1]}' is not a whole number of at least 1");
        IBackend inner = new HostBackend(threads);
        TimingBackend? timing = parts[0] switch
        {
            "plain" or "eager" => null,
            "timed" => new TimingBackend(inner),
            _ => throw new ArgumentException($"unknown variant '{spec}' (plain:N, eager:N or timed:N)"),
        };
        var device = Device.Create(timing ?? inner);
        var model = new VaeModel<float>(options, device, Seeds.Derive(1, Seeds.Initialization));
        // A few random batches in [0, 1), cycled, so that the data changes from step to step as in training.
        var batches = new float[4][];
        for (int b = 0; b < batches.Length; b++)
        {
            batches[b] = new float[batch * options.InputSize];
            for (int i = 0; i < batches[b].Length; i++) batches[b][i] = (float)RandomStreams.Uniform<double>(99, (ulong)b << 32, i);
        }
        return new Rig
        {
            Name = spec, Device = device, Inner = inner, Timing = timing, Model = model,
            Optimizer = new Adam<float>(model.NamedParameters()), Batches = batches,
            Graph = new ElboGraph<float>(model, device, batch), Eager = parts[0] == "eager",
        };
    }

    private static void RunSteps(Rig rig, VaeOptions options, int steps, bool record)
    {
        ulong noiseSeed = Seeds.Derive(1, Seeds.TrainingNoise);
        ulong blocksPerStep = RandomStreams.BlocksUsed<float>((long)rig.Batches[0].Length / options.InputSize * options.LatentSize);
        int rows = rig.Batches[0].Length / options.InputSize;
        var phases = new double[steps][];
        for (int s = 0; s < steps; s++) phases[s] = new double[PhaseNames.Length];
        long[] stamps = new long[PhaseNames.Length];
        long[] allocated = new long[PhaseNames.Length]; // this thread's allocated bytes at each stamp (cheap to read)
        long[] allocatedByPhase = new long[PhaseNames.Length - 1];
        double loss = 0;
        using var tape = rig.Eager ? new Tape() : null;
        GC.Collect();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        // Counted after the Process object above and before the one below, so that only the steps' bytes count.
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long deviceBefore = rig.Device.Pool.DeviceAllocations;
        for (int s = 0; s < steps; s++)
        {
            long start = Stopwatch.GetTimestamp(), allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
            // The trainer's step, phase by phase.
            var data = rig.Batches[rig.Next++ % rig.Batches.Length];
            ulong counter = (ulong)rig.Optimizer.StepCount * blocksPerStep;
            ElboTerms<float> terms;
            if (rig.Eager)
            {
                var tensor = Tensor<float>.Empty(new Shape(rows, options.InputSize), rig.Device);
                rig.Device.Backend.Upload<float>(data, tensor.Buffer);
                var x = Var<float>.Constant(tensor, takeOwnership: true);
                stamps[0] = Stopwatch.GetTimestamp(); allocated[0] = GC.GetAllocatedBytesForCurrentThread();
                terms = rig.Model.NegativeElbo(x, noiseSeed, counter);
            }
            else
            {
                rig.Graph.SetImages(data);
                rig.Graph.DrawNoise(noiseSeed, counter);
                stamps[0] = Stopwatch.GetTimestamp(); allocated[0] = GC.GetAllocatedBytesForCurrentThread();
                terms = rig.Graph.Forward();
            }
            loss += terms.Loss.Value.Item();
            stamps[1] = Stopwatch.GetTimestamp(); allocated[1] = GC.GetAllocatedBytesForCurrentThread();
            terms.Loss.Backward();
            stamps[2] = Stopwatch.GetTimestamp(); allocated[2] = GC.GetAllocatedBytesForCurrentThread();
            rig.Optimizer.Step();
            stamps[3] = Stopwatch.GetTimestamp(); allocated[3] = GC.GetAllocatedBytesForCurrentThread();
            rig.Model.ZeroGradients();
            stamps[4] = Stopwatch.GetTimestamp(); allocated[4] = GC.GetAllocatedBytesForCurrentThread();
            tape?.Reset();
            stamps[5] = Stopwatch.GetTimestamp(); allocated[5] = GC.GetAllocatedBytesForCurrentThread();
            stamps[6] = stamps[5];
            long previous = start;
            for (int p = 0; p < PhaseNames.Length - 1; p++)
            {
                phases[s][p] = (double)(stamps[p] - previous) / Stopwatch.Frequency;
                previous = stamps[p];
            }
            phases[s][^1] = (double)(stamps[^1] - start) / Stopwatch.Frequency;
            for (int p = 0; p < allocatedByPhase.Length; p++) allocatedByPhase[p] += allocated[p] - (p == 0 ? allocatedAtStart : allocated[p - 1]);
        }
        long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        var cpuAfter = Process.GetCurrentProcess().TotalProcessorTime;
        if (!double.IsFinite(loss)) throw new InvalidOperationException($"{rig.Name}: the loss became {loss}.");
        if (!record) return;
        rig.Phases.AddRange(phases);
        rig.CpuSecondsPerStep.Add((cpuAfter - cpuBefore).TotalSeconds / steps);
        rig.AllocatedBytes += allocatedAfter - allocatedBefore;
        for (int p = 0; p < allocatedByPhase.Length; p++) rig.AllocatedBytesByPhase[p] += allocatedByPhase[p];
        rig.DeviceAllocations += rig.Device.Pool.DeviceAllocations - deviceBefore;
        rig.MeasuredSteps += steps;
        if (rig.Timing is not null) rig.TimedSteps += steps;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    private static void Report(Rig rig, VaeOptions options, int batch)
    {
        double steps = rig.MeasuredSteps;
        Console.WriteLine();
        Console.WriteLine($"== {rig.Name}: {rig.Device.Description}, {rig.MeasuredSteps} steps ==");
        Console.WriteLine($"{"phase",-12} {"median ms",10} {"mean ms",10} {"min ms",10}");
        for (int p = 0; p < PhaseNames.Length; p++)
        {
            var column = rig.Phases.Select(row => row[p] * 1e3).ToArray();
            Console.WriteLine($"{PhaseNames[p],-12} {Median(column),10:F3} {column.Average(),10:F3} {column.Min(),10:F3}");
        }
        var totals = rig.Phases.Select(row => row[^1]).ToArray();
        double stepsPerEpoch = Math.Ceiling((double)FashionMnistTrainingImages / batch);
        // An epoch is the sum of its steps, so the mean step (not the median) predicts it; the percentiles show the tail.
        Console.WriteLine($"epoch of {FashionMnistTrainingImages} images ({stepsPerEpoch} steps): {totals.Average() * stepsPerEpoch:F2} s at the mean step, {Median(totals) * stepsPerEpoch:F2} s at the median, {totals.Min() * stepsPerEpoch:F2} s at the best");
        var sortedTotals = totals.Order().ToArray();
        double Percentile(double q) => sortedTotals[Math.Min(sortedTotals.Length - 1, (int)(q * sortedTotals.Length))] * 1e3;
        Console.WriteLine($"step ms: p50 {Percentile(0.5):F2}, p90 {Percentile(0.9):F2}, p99 {Percentile(0.99):F2}, max {sortedTotals[^1] * 1e3:F2}; the slowest 10% of steps take {sortedTotals.Skip((int)(0.9 * sortedTotals.Length)).Sum() / totals.Sum():P0} of the time");
        Console.WriteLine($"CPU time per step (all threads, median of rounds): {Median(rig.CpuSecondsPerStep) * 1e3:F3} ms");
        Console.WriteLine($"managed bytes allocated per step: {rig.AllocatedBytes / steps:F1}{(rig.Timing is null ? "" : " (includes the timing table's keys)")}; new device buffers per step: {rig.DeviceAllocations / steps:F2}");
        Console.WriteLine("  of which this thread's, by phase: " + string.Join(", ",
            rig.AllocatedBytesByPhase.Select((bytes, p) => $"{PhaseNames[p]} {bytes / steps:F0}")));
        if (rig.Timing is null) return;

        var entries = rig.Timing.Entries.OrderByDescending(e => e.Value.Ticks).ToList();
        double medianTotal = Median(totals);
        double sumTicks = entries.Sum(e => (double)e.Value.Ticks);
        Console.WriteLine($"{"primitive and shape",-48} {"calls",6} {"µs/step",9} {"µs/call",9} {"min µs",9} {"share",6} {"GFLOP/s",8} {"GB/s",7}");
        foreach (var (key, entry) in entries)
        {
            double seconds = entry.Ticks / (double)Stopwatch.Frequency;
            double perStep = seconds / steps;
            double perCall = seconds / entry.Calls;
            string gflops = entry.Flops > 0 ? (entry.Flops / perCall / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "";
            string gbs = entry.Bytes > 0 ? (entry.Bytes / perCall / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "";
            Console.WriteLine($"{key,-48} {entry.Calls / steps,6:F1} {perStep * 1e6,9:F1} {perCall * 1e6,9:F1} {entry.MinTicks * 1e6 / Stopwatch.Frequency,9:F1} {entry.Ticks / sumTicks,6:P0} {gflops,8} {gbs,7}");
        }
        double gemmSeconds = entries.Where(e => e.Key.StartsWith("Gemm", StringComparison.Ordinal)).Sum(e => (double)e.Value.Ticks) / Stopwatch.Frequency / steps;
        double otherSeconds = sumTicks / Stopwatch.Frequency / steps - gemmSeconds;
        double bestGemm = entries.Where(e => e.Key.StartsWith("Gemm", StringComparison.Ordinal)).Sum(e => (double)e.Value.MinTicks * e.Value.Calls) / Stopwatch.Frequency / steps;
        double bestAll = entries.Sum(e => (double)e.Value.MinTicks * e.Value.Calls) / Stopwatch.Frequency / steps;
        Console.WriteLine($"sum over primitives of calls × fastest call (the least load-dependent estimate): {bestAll * 1e3:F3} ms per step (GEMM {bestGemm * 1e3:F3} ms, other {(bestAll - bestGemm) * 1e3:F3} ms) → {bestAll * Math.Ceiling((double)FashionMnistTrainingImages / batch):F2} s per epoch of primitives");
        double calls = entries.Sum(e => (double)e.Value.Calls) / steps;
        double gemmFlops = entries.Sum(e => e.Value.Flops * e.Value.Calls) / steps;
        Console.WriteLine($"per step: {calls:F0} primitive calls; GEMM {gemmSeconds * 1e3:F3} ms ({gemmFlops / 1e9:F3} GFLOP, {gemmFlops / gemmSeconds / 1e9:F1} GFLOP/s), other primitives {otherSeconds * 1e3:F3} ms, outside primitives (tape, allocation, dispatch) {(rig.Phases.Average(row => row[^1]) - sumTicks / Stopwatch.Frequency / steps) * 1e3:F3} ms (mean step {rig.Phases.Average(row => row[^1]) * 1e3:F3} ms, median {medianTotal * 1e3:F3})");
    }

    private static void PrintWork(VaeOptions options, int batch)
    {
        if (options.Architecture == Architecture.Conv)
        {
            var (forward, firstConvolution) = ConvolutionalWork(options);
            double perStep = 2.0 * batch * (3 * forward - firstConvolution);
            Console.WriteLine($"model {options.Describe()}, batch {batch}: {options.ParameterCount} parameters; multiply-adds per example {forward:N0} forward; " +
                              $"work per step {perStep / 1e9:F3} GFLOP (forward, weight gradients as much, input gradients less the first convolution's), " +
                              $"{perStep * Math.Ceiling((double)FashionMnistTrainingImages / batch) / 1e12:F2} TFLOP per epoch of {FashionMnistTrainingImages}");
            return;
        }
        // Forward, input-gradient and weight-gradient GEMMs of every layer, 2·B·in·out flops each.
        int[] sizes = [options.InputSize, .. options.HiddenSizes, options.LatentSize];
        double flops = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) flops += 2.0 * batch * sizes[i] * sizes[i + 1] * (i == sizes.Length - 2 ? 2 : 1); // two heads
        int[] decoder = [options.LatentSize, .. options.HiddenSizes.Reverse(), options.InputSize];
        for (int i = 0; i + 1 < decoder.Length; i++) flops += 2.0 * batch * decoder[i] * decoder[i + 1];
        long parameters = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) parameters += (long)(sizes[i] + 1) * sizes[i + 1] * (i == sizes.Length - 2 ? 2 : 1);
        for (int i = 0; i + 1 < decoder.Length; i++) parameters += (long)(decoder[i] + 1) * decoder[i + 1];
        // The first layer needs no input gradient (the input is data).
        double firstInputGradient = 2.0 * batch * sizes[0] * sizes[1];
        Console.WriteLine($"model {options.InputSize}-{string.Join("-", options.HiddenSizes)}-{options.LatentSize}, batch {batch}: {parameters} parameters; GEMM work per step {(3 * flops - firstInputGradient) / 1e9:F3} GFLOP (forward {flops / 1e9:F3}, weight gradients as much, input gradients less the first layer's)");
    }

    /// <summary>
    /// Multiply-adds per example of the convolutional VAE's forward pass (each convolution O·P·Q·C·K², each linear layer
    /// in·out), and those of the first convolution, whose input gradient training does not need.
    /// </summary>
    public static (double Forward, double FirstInputGradient) ConvolutionalWork(VaeOptions options)
    {
        int side = options.ImageSide, half = side / 2, quarter = side / 4, k = VaeOptions.ConvKernel * VaeOptions.ConvKernel;
        int c1 = VaeOptions.ConvChannels1, c2 = VaeOptions.ConvChannels2, hidden = options.HiddenSizes[0], z = options.LatentSize, features = options.ConvFeatures;
        double conv1 = (double)c1 * half * half * 1 * k, conv2 = (double)c2 * quarter * quarter * c1 * k;
        double linear = (double)features * hidden * 2 + 2.0 * hidden * z + (double)z * hidden;
        // The transposed convolutions do the work of the convolutions they transpose.
        double deconv1 = conv2, deconv2 = conv1;
        return (conv1 + conv2 + linear + deconv1 + deconv2, conv1);
    }
}
