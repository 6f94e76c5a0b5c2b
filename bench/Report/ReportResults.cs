namespace ScratchVae.Bench.Report;

/// <summary>A device or peer the report lists: measured, or skipped with the reason.</summary>
/// <param name="Name">"host", "cuda", "OpenBLAS (numpy)", "PyTorch CUDA", …</param>
/// <param name="Description">What it is: hardware, memory, driver, library versions.</param>
/// <param name="SkipReason">Why it was not measured, or null when it was.</param>
public sealed record Participant(string Name, string Description, string? SkipReason)
{
    /// <summary>True when it was measured.</summary>
    public bool Measured => SkipReason is null;
}

/// <summary>One measured figure's values over the rounds of a run (one value per round).</summary>
public sealed class Samples
{
    /// <summary>The values, one per round, in the order measured.</summary>
    public List<double> Values { get; } = [];

    /// <summary>The median (NaN when empty).</summary>
    public double Median => MedianOf(Values);

    /// <summary>
    /// The highest finite value (NaN when empty): what a ceiling (the FMA peak, the bandwidth) is taken as, since another
    /// process on the machine can only lower a round's figure.
    /// </summary>
    public double Ceiling => Values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

    /// <summary>The median of <paramref name="values"/>: the middle one, or the mean of the two middle ones; NaN when empty.</summary>
    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}

/// <summary>An epoch's figures of one runner: the training seconds of each measured epoch, and how the epoch was made.</summary>
public sealed class EpochSamples
{
    /// <summary>Training seconds of each measured epoch (warm-up epochs left out), possibly extrapolated (see <see cref="ImagesTrained"/>).</summary>
    public Samples Seconds { get; } = new();

    /// <summary>Seconds of each optimizer step of the measured epochs, where the runner reports them (ours), else empty.</summary>
    public List<double> StepSeconds { get; } = [];

    /// <summary>Images of each timed epoch; when below <see cref="ImagesPerEpoch"/> the epoch time is the timed part scaled up.</summary>
    public int ImagesTrained { get; set; }

    /// <summary>Images of the full training set: what "an epoch" means in the report.</summary>
    public int ImagesPerEpoch { get; set; }

    /// <summary>Batch size.</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>True when the epoch figure is extrapolated from fewer images than an epoch.</summary>
    public bool Extrapolated => ImagesTrained < ImagesPerEpoch;

    /// <summary>The mean step: the measured epoch over its steps.</summary>
    public double MeanStepSeconds => Seconds.Median / Math.Ceiling((double)ImagesPerEpoch / BatchSize);
}

/// <summary>Everything one run of <c>bench report</c> measured, and what it skipped.</summary>
public sealed class ReportResults
{
    /// <summary>The processor.</summary>
    public required CpuDescription Cpu { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public DateTime Started { get; init; } = DateTime.UtcNow;

    /// <summary>The commit (git rev-parse), or "unknown".</summary>
    public string Commit { get; init; } = "unknown";

    /// <summary>The command line as typed after the program.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>Other lines about the machine: OS, runtime, memory, load.</summary>
    public List<(string Name, string Value)> MachineLines { get; } = [];

    /// <summary>Every device the engine sees, measured or skipped.</summary>
    public List<Participant> Devices { get; } = [];

    /// <summary>Every peer, measured or skipped.</summary>
    public List<Participant> Peers { get; } = [];

    /// <summary>The ptxas table of every GPU kernel (registers, spills, shared memory, H100 occupancy), when the kernels suite ran.</summary>
    public string? KernelTable { get; set; }

    /// <summary>One line on the kernels: how many assembled on each target and which spill, or why the suite was skipped.</summary>
    public string? KernelSummary { get; set; }

    /// <summary>Parts of the run that were skipped, other than devices and peers (name, reason).</summary>
    public List<(string Name, string Reason)> OtherSkips { get; } = [];

    /// <summary>Notes on how this run was sized and what its figures mean (quick-mode extrapolations among them).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>FMA peak GFLOP/s per device, per round (host only; a GPU's ceiling is its best GEMM, see <see cref="PeakSource"/>).</summary>
    public Dictionary<string, Samples> Peak { get; } = [];

    /// <summary>Where each device's peak comes from ("FMA chains, 2 threads", "best GEMM measured").</summary>
    public Dictionary<string, string> PeakSource { get; } = [];

    /// <summary>Bandwidth GB/s per device, per round.</summary>
    public Dictionary<string, Samples> Bandwidth { get; } = [];

    /// <summary>How each device's bandwidth was measured.</summary>
    public Dictionary<string, string> BandwidthSource { get; } = [];

    /// <summary>GEMM GFLOP/s: runner ("ScratchVae host", "OpenBLAS", "cuBLAS", …) → shape → per round the median batch.</summary>
    public Dictionary<string, Dictionary<string, Samples>> Gemm { get; } = [];

    /// <summary>Which device each GEMM runner ran on (its roofline): "ScratchVae host" → "host", "OpenBLAS" → "host".</summary>
    public Dictionary<string, string> GemmDevice { get; } = [];

    /// <summary>The GEMM shapes measured, in order.</summary>
    public List<string> Shapes { get; } = [];

    /// <summary>Maps and sampling: device → primitive → GB/s per round.</summary>
    public Dictionary<string, Dictionary<string, Samples>> Maps { get; } = [];

    /// <summary>Bytes each map moves per element (its minimum traffic over n), for its arithmetic intensity.</summary>
    public Dictionary<string, double> MapBytesPerElement { get; } = [];

    /// <summary>Floats per operand of the maps.</summary>
    public int MapLength { get; set; }

    /// <summary>Epochs: architecture ("mlp", "conv") → runner ("ScratchVae host", "PyTorch CPU", …) → figures.</summary>
    public Dictionary<string, Dictionary<string, EpochSamples>> Epochs { get; } = [];

    /// <summary>The chart files written (PNG names, relative to report.md), in order, with their captions.</summary>
    public List<(string File, string Caption)> Charts { get; } = [];

    /// <summary>Seconds the whole run took.</summary>
    public double TotalSeconds { get; set; }

    /// <summary>The figure list for <paramref name="runner"/> and <paramref name="key"/>, created on first use.</summary>
    public static Samples At<TKey>(Dictionary<string, Dictionary<TKey, Samples>> table, string runner, TKey key) where TKey : notnull
    {
        if (!table.TryGetValue(runner, out var inner)) table[runner] = inner = [];
        if (!inner.TryGetValue(key, out var samples)) inner[key] = samples = new Samples();
        return samples;
    }
}
