using System.Globalization;
using System.Text;
using ScratchVae.Bench.Gemm;

namespace ScratchVae.Bench.Report;

/// <summary>Writes report.md: the run, the machine, what was measured and what was skipped (with the reason), the tables and the charts.</summary>
public static class ReportMarkdown
{
    /// <summary>The whole document.</summary>
    public static string Write(ReportResults results, ReportSettings settings)
    {
        var md = new StringBuilder();
        md.AppendLine("# ScratchVae benchmark report").AppendLine();
        md.AppendLine($"- date: {results.Started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        md.AppendLine($"- commit: {results.Commit}");
        md.AppendLine($"- command: `{results.CommandLine}`");
        md.AppendLine($"- run time: {ReportProgress.Format(results.TotalSeconds)}{(settings.Quick ? " (`--quick`)" : "")}");
        md.AppendLine($"- processor: {results.Cpu.Summary}, {results.Cpu.LogicalProcessors} logical processors");
        md.AppendLine();
        AppendMachine(md, results);
        AppendParticipants(md, "Devices", results.Devices);
        AppendParticipants(md, "Peers", results.Peers);
        AppendSkipped(md, results);
        AppendNotes(md, results, settings);
        AppendPeaks(md, results);
        AppendGemm(md, results);
        AppendMaps(md, results);
        AppendEpochs(md, results);
        AppendKernels(md, results);
        if (results.Charts.Count > 0)
        {
            md.AppendLine("## Charts").AppendLine();
            foreach (var (file, caption) in results.Charts)
                md.AppendLine($"![{caption}]({file})").AppendLine().AppendLine($"*{caption}* (also [{Path.ChangeExtension(file, ".svg")}]({Path.ChangeExtension(file, ".svg")}))").AppendLine();
        }
        return md.ToString();
    }

    // Every GPU kernel as NVIDIA's assembler sees it, with its occupancy on an H100: no GPU needed.
    private static void AppendKernels(StringBuilder md, ReportResults results)
    {
        if (results.KernelTable is null) return;
        md.AppendLine("## GPU kernels through ptxas (no GPU needed)").AppendLine();
        md.AppendLine($"{results.KernelSummary} The table is `ptxas -v` on ILGPU's PTX of every kernel the GPU backends launch, and each kernel's "
                      + "groups per SM and occupancy on an H100 computed from those figures as CUDA's occupancy calculator does.").AppendLine();
        md.AppendLine("```text").Append(results.KernelTable).AppendLine("```").AppendLine();
    }

    /// <summary>The machine table alone (for docs/benchmarks.md).</summary>
    public static void AppendMachine(StringBuilder md, ReportResults results)
    {
        md.AppendLine("## Machine").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        foreach (var (name, value) in results.MachineLines) md.AppendLine($"| {name} | {Cell(value)} |");
        md.AppendLine();
    }

    private static void AppendParticipants(StringBuilder md, string title, IReadOnlyList<Participant> list)
    {
        md.AppendLine($"## {title}").AppendLine();
        md.AppendLine("| name | what it is | measured |").AppendLine("|---|---|---|");
        foreach (var p in list) md.AppendLine($"| {Cell(p.Name)} | {Cell(p.Description.Length == 0 ? "–" : p.Description)} | {(p.Measured ? "yes" : "skipped: " + Cell(p.SkipReason!))} |");
        md.AppendLine();
    }

    private static void AppendSkipped(StringBuilder md, ReportResults results)
    {
        var skipped = results.Devices.Concat(results.Peers).Where(p => !p.Measured).Select(p => (p.Name, Reason: p.SkipReason!))
            .Concat(results.OtherSkips).ToList();
        if (skipped.Count == 0) return;
        md.AppendLine("Skipped, with the reason:").AppendLine();
        foreach (var (name, reason) in skipped) md.AppendLine($"- {name}: {reason}");
        md.AppendLine();
    }

    private static void AppendNotes(StringBuilder md, ReportResults results, ReportSettings settings)
    {
        md.AppendLine("## How this run was made").AppendLine();
        md.AppendLine($"- Ours and the peers alternate in one run: {settings.Rounds} round{(settings.Rounds == 1 ? "" : "s")} of peak, bandwidth, GEMM (ours on each device, then OpenBLAS, then cuBLAS) and maps; " +
                      $"{settings.EpochRounds} round{(settings.EpochRounds == 1 ? "" : "s")} of training (ours, then PyTorch), each of one warm-up epoch and {settings.Epochs} measured. Figures are medians over rounds, but the peak and the bandwidth, ceilings, are the highest round (another process can only lower them); ratios are of those medians, from this run.");
        md.AppendLine($"- GEMM: float32, alpha 1, beta 0, {settings.Seconds.ToString(CultureInfo.InvariantCulture)} s per shape and round in batches of ≥ 20 ms (the median batch; `bench gemm --quick`'s timing and openblas_gemm.py's). Arithmetic intensity 2mnk / 4(mk + kn + mn) FLOP/byte: each operand moved once.");
        md.AppendLine($"- Maps and sampling: {results.MapLength:N0} floats per operand (a VAE batch of 128 × 784), GB/s of the minimum traffic. On the roofline a map's FLOP count is nominal (one per operation of its formula, a transcendental function as one; see MapWork.cs); these operands fit in the L2 cache, so maps can sit above the DRAM bandwidth roof.");
        md.AppendLine("- Bandwidth: " + (results.BandwidthSource.Count == 0 ? "not measured." : string.Join("; ", results.BandwidthSource.Select(kv => $"{kv.Key}: {kv.Value}")) + " (written lines' write-allocate reads not counted, as STREAM)."));
        md.AppendLine("- Peak: " + (results.PeakSource.Count == 0 ? "not measured." : string.Join("; ", results.PeakSource.Select(kv => $"{kv.Key}: {kv.Value}")) + "."));
        foreach (var (architecture, table) in results.Epochs)
            foreach (var (runner, samples) in table.Where(kv => kv.Value.Extrapolated))
                md.AppendLine($"- **{architecture}, {runner}: not a full epoch.** Timed on the first {samples.ImagesTrained:N0} training images ({Math.Ceiling((double)samples.ImagesTrained / samples.BatchSize):N0} steps) and scaled by steps to an epoch of {samples.ImagesPerEpoch:N0} ({Math.Ceiling((double)samples.ImagesPerEpoch / samples.BatchSize):N0} steps).");
        md.AppendLine("- PyTorch on the CPU runs the conv model with OPENBLAS_NUM_THREADS=1 beside its own threads (its fastest setting on 2 cores; bench/vae-vs-pytorch.sh), the MLP as it comes.");
        foreach (string note in results.Notes) md.AppendLine($"- {note}");
        md.AppendLine();
    }

    private static void AppendPeaks(StringBuilder md, ReportResults results)
    {
        var devices = results.Peak.Keys.Union(results.Bandwidth.Keys).ToList();
        if (devices.Count == 0) return;
        md.AppendLine("## Peak and bandwidth").AppendLine();
        md.AppendLine("| device | peak GFLOP/s | bandwidth GB/s | ridge FLOP/byte |").AppendLine("|---|---:|---:|---:|");
        foreach (string device in devices)
        {
            double peak = results.Peak.GetValueOrDefault(device)?.Ceiling ?? double.NaN, bandwidth = results.Bandwidth.GetValueOrDefault(device)?.Ceiling ?? double.NaN;
            md.AppendLine($"| {device} | {F(peak, 1)} | {F(bandwidth, 1)} | {F(Roofline.Ridge(peak, bandwidth), 2)} |");
        }
        md.AppendLine();
    }

    /// <summary>The GEMM table: per shape its intensity, every runner's GFLOP/s, ours as a share of the device's peak and over each peer on the same device.</summary>
    public static void AppendGemm(StringBuilder md, ReportResults results)
    {
        if (results.Gemm.Count == 0) return;
        var runners = results.Gemm.Keys.ToList();
        var ours = runners.Where(r => r.StartsWith("ScratchVae ", StringComparison.Ordinal)).ToList();
        var pairs = ours.SelectMany(o => runners.Where(p => !p.StartsWith("ScratchVae ", StringComparison.Ordinal) && results.GemmDevice.GetValueOrDefault(p) == results.GemmDevice.GetValueOrDefault(o)).Select(p => (Ours: o, Peer: p))).ToList();
        md.AppendLine("## GEMM (float32, GFLOP/s, median over rounds)").AppendLine();
        md.Append("| shape | FLOP/byte |");
        foreach (string r in runners) md.Append($" {r} |");
        foreach (string o in ours) md.Append($" {o} of peak |");
        foreach (var (o, p) in pairs) md.Append($" {o} / {p} |");
        md.AppendLine();
        md.Append("|---|---:|").Append(string.Concat(Enumerable.Repeat("---:|", runners.Count + ours.Count + pairs.Count))).AppendLine();
        foreach (string shape in results.Shapes)
        {
            md.Append($"| {shape} | {F(Roofline.GemmIntensity(GemmShape.Parse(shape)), 1)} |");
            foreach (string r in runners) md.Append($" {F(Value(results, r, shape), 1)} |");
            foreach (string o in ours)
            {
                double peak = results.Peak.GetValueOrDefault(results.GemmDevice.GetValueOrDefault(o, ""))?.Ceiling ?? double.NaN;
                md.Append($" {Percent(Value(results, o, shape) / peak)} |");
            }
            foreach (var (o, p) in pairs) md.Append($" {F(Value(results, o, shape) / Value(results, p, shape), 2)} |");
            md.AppendLine();
        }
        md.AppendLine().AppendLine("A ratio above 1: ours is faster. \"of peak\": over the device's peak in the table above.").AppendLine();
    }

    private static double Value(ReportResults results, string runner, string shape) => results.Gemm.GetValueOrDefault(runner)?.GetValueOrDefault(shape)?.Median ?? double.NaN;

    /// <summary>The maps and sampling table: GB/s per device, and for the maps GFLOP/s at the nominal count and the share of the attainable.</summary>
    public static void AppendMaps(StringBuilder md, ReportResults results)
    {
        if (results.Maps.Count == 0) return;
        var devices = results.Maps.Keys.ToList();
        var primitives = results.Maps.Values.SelectMany(t => t.Keys).Distinct().ToList();
        md.AppendLine($"## Maps and sampling ({results.MapLength:N0} floats per operand)").AppendLine();
        md.Append("| primitive | FLOP/element | bytes/element |");
        foreach (string d in devices) md.Append($" {d} GB/s | {d} GFLOP/s | {d} of roofline |");
        md.AppendLine();
        md.Append("|---|---:|---:|").Append(string.Concat(Enumerable.Repeat("---:|---:|---:|", devices.Count))).AppendLine();
        foreach (string primitive in primitives)
        {
            double? flops = MapWork.FlopsPerElement(primitive);
            double bytes = results.MapBytesPerElement.GetValueOrDefault(primitive, double.NaN);
            md.Append($"| {primitive} | {(flops is double f ? F(f, 0) : "– (integer Philox)")} | {F(bytes, 0)} |");
            foreach (string d in devices)
            {
                double gigabytes = results.Maps[d].GetValueOrDefault(primitive)?.Median ?? double.NaN;
                double intensity = (flops ?? double.NaN) / bytes;
                double gflops = gigabytes * intensity;
                double attainable = Roofline.Attainable(results.Peak.GetValueOrDefault(d)?.Ceiling ?? double.NaN, results.Bandwidth.GetValueOrDefault(d)?.Ceiling ?? double.NaN, intensity);
                string samples = MapWork.IsSampling(primitive) ? $"{gigabytes / 4:F2} G samples/s" : F(gflops, 1);
                md.Append($" {F(gigabytes, 1)} | {samples} | {(flops is null ? "–" : Percent(gflops / attainable))} |");
            }
            md.AppendLine();
        }
        md.AppendLine().AppendLine("\"of roofline\": GFLOP/s over min(peak, DRAM bandwidth × intensity); above 100% where the operands stay in cache.").AppendLine();
    }

    /// <summary>The training table: per architecture and runner the epoch, the mean step, our median step, and ours over the peer on the same device.</summary>
    public static void AppendEpochs(StringBuilder md, ReportResults results)
    {
        if (results.Epochs.Count == 0) return;
        md.AppendLine("## Training: step and epoch (batch 128, Adam 1e-3)").AppendLine();
        md.AppendLine("| architecture | runner | images timed per epoch | s per epoch | mean step ms | median step ms | ours / PyTorch |").AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (architecture, table) in results.Epochs)
            foreach (var (runner, samples) in table)
            {
                string? peer = runner == ReportRun.Ours("host") ? ReportRun.PytorchCpu : runner.StartsWith("ScratchVae cuda", StringComparison.Ordinal) ? ReportRun.PytorchCuda : null;
                double ratio = peer is not null && table.TryGetValue(peer, out var theirs) ? samples.Seconds.Median / theirs.Seconds.Median : double.NaN;
                string timed = samples.Extrapolated ? $"{samples.ImagesTrained:N0} of {samples.ImagesPerEpoch:N0} (scaled)" : $"{samples.ImagesPerEpoch:N0}";
                string median = samples.StepSeconds.Count > 0 ? F(Samples.MedianOf(samples.StepSeconds) * 1e3, 2) : "–";
                md.AppendLine($"| {architecture} | {runner} | {timed} | {F(samples.Seconds.Median, 2)} | {F(samples.MeanStepSeconds * 1e3, 2)} | {median} | {F(ratio, 3)} |");
            }
        md.AppendLine().AppendLine("\"ours / PyTorch\": epoch seconds over PyTorch's on the same device, below 1 where ours is faster. The mean step is the epoch over its steps; the median step is timed step by step (ours only).").AppendLine();
    }

    private static string F(double value, int decimals) => double.IsFinite(value) ? value.ToString("F" + decimals, CultureInfo.InvariantCulture) : "–";

    private static string Percent(double share) => double.IsFinite(share) ? (share * 100).ToString("F0", CultureInfo.InvariantCulture) + "%" : "–";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
