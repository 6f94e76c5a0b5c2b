using System.Globalization;
using ScratchVae.Bench.Gemm;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Bench.Report;

/// <summary>How one run of <c>bench report</c> is sized, from its flags.</summary>
public sealed record ReportSettings
{
    /// <summary>The folder report.md and the charts go to.</summary>
    public required string Out { get; init; }
    /// <summary>--quick: sized for minutes.</summary>
    public bool Quick { get; init; }
    /// <summary>The parts to measure: peak, gemm, maps, mlp, conv.</summary>
    public required IReadOnlySet<string> Suites { get; init; }
    /// <summary>GEMM shapes ("MxNxK:AB").</summary>
    public required IReadOnlyList<string> Shapes { get; init; }
    /// <summary>Devices named by --devices, or null for every usable one but ilgpu-cpu.</summary>
    public IReadOnlyList<string>? Devices { get; init; }
    /// <summary>Peers to run: openblas, pytorch, cublas.</summary>
    public required IReadOnlySet<string> Peers { get; init; }
    /// <summary>The Python interpreter of the peers.</summary>
    public required string Python { get; init; }
    /// <summary>Where the peer scripts are.</summary>
    public string PeerScripts { get; init; } = PythonPeers.DefaultScriptFolder;
    /// <summary>Seconds per GEMM shape and round (maps: 0.6 of it per primitive).</summary>
    public double Seconds { get; init; }
    /// <summary>Rounds of the alternating GEMM, map and peak measurements.</summary>
    public int Rounds { get; init; }
    /// <summary>Rounds of the epoch measurements (each round: ours, then the peer).</summary>
    public int EpochRounds { get; init; }
    /// <summary>Measured epochs per round, after one warm-up epoch.</summary>
    public int Epochs { get; init; }
    /// <summary>Training images per timed MLP epoch (null: all; fewer are scaled up to an epoch and the report says so).</summary>
    public int? Limit { get; init; }
    /// <summary>Training images per timed conv epoch (null: all).</summary>
    public int? ConvLimit { get; init; }
    /// <summary>The data set: fashion-mnist, mnist or a folder.</summary>
    public required string Data { get; init; }
    /// <summary>Host threads.</summary>
    public int Threads { get; init; }
    /// <summary>Floats per operand of the maps.</summary>
    public int MapLength { get; init; } = 128 * 784;
    /// <summary>The command line as typed.</summary>
    public string CommandLine { get; init; } = "";
}

/// <summary>
/// <c>bench report [--quick] [--out DIR]</c>: detects the machine, measures every usable device beside the peers
/// that are installed (the FMA peak and memory bandwidth, the GEMM shapes against OpenBLAS and cuBLAS, the maps and
/// sampling, the training step and an epoch of each architecture against PyTorch), and writes report.md with its
/// tables and charts (a roofline per device, GEMM bars per shape, epoch times) as SVG and PNG.
/// </summary>
public static class ReportCommand
{
    /// <summary>The parts a report can measure.</summary>
    public static readonly string[] SuiteNames = ["peak", "gemm", "maps", "mlp", "conv", "kernels"];

    /// <summary>The peers a report can run.</summary>
    public static readonly string[] PeerNames = ["openblas", "pytorch", "cublas"];

    /// <summary>The suite and its flag table.</summary>
    public static Verb Verb { get; } = new("report", "the machine, every device beside the peers (peak, bandwidth, GEMM, maps, epochs): report.md and charts",
        [
            Flag.Switch("quick", "sized to finish in a few minutes: fewer rounds, one measured epoch, the conv epoch timed on 100 steps and scaled up"),
            Flag.Path("out", "the folder for report.md and the charts", "bench-report"),
            Flag.List("suites", $"what to measure: {string.Join(", ", SuiteNames)} (kernels: every GPU kernel through ptxas, with no GPU needed)", string.Join(",", SuiteNames), "S[,S…]"),
            Flag.List("shapes", "GEMM shapes MxNxK[:TT], or the lists square, vae, all", "all", "S[,S…]"),
            Flag.List("devices", "the devices to measure (host, cuda, opencl, ilgpu-cpu, …)", null, "D[,D…]") with { DefaultNote = "every usable one but ilgpu-cpu" },
            Flag.List("peers", $"the peers to run: {string.Join(", ", PeerNames)}, or none", string.Join(",", PeerNames), "P[,P…]"),
            Flag.Path("python", "the peers' Python interpreter", placeholder: "FILE") with { DefaultNote = "$PYTHON, else /usr/bin/python3" },
            Flag.String("data", "the training data: fashion-mnist, mnist or a folder of IDX files", placeholder: "NAME") with { DefaultNote = "fashion-mnist where installed, else the embedded mnist" },
            Flag.Double("seconds", "time per GEMM shape and round (a map gets 0.6 of it)", min: 0, max: 3600, exclusiveMin: true) with { DefaultNote = "0.15 with --quick, else 0.4" },
            Flag.Int("rounds", "rounds of the alternating GEMM, map and peak measurements", min: 1, max: 100) with { DefaultNote = "3 with --quick, else 5" },
            Flag.Int("epoch-rounds", "rounds of the epoch measurements (ours, then the peer)", min: 1, max: 100) with { DefaultNote = "1 with --quick, else 2" },
            Flag.Int("epochs", "measured epochs per round, after one warm-up epoch", min: 1, max: 1000) with { DefaultNote = "1 with --quick, else 2" },
            Flag.Int("limit", "time the MLP on the first N training images and scale to an epoch", min: 1) with { DefaultNote = "the whole training set" },
            Flag.Int("conv-limit", "time the conv model on the first N training images and scale to an epoch", min: 1) with { DefaultNote = "12800 with --quick, else the whole set" },
            Flag.Int("threads", "host threads (ours and the peers')", min: 1) with { DefaultNote = "all cores" },
        ], Run)
    {
        Details = ["Peers run through the Python interpreter (Debian's python3-numpy and python3-torch); one that is absent is listed in report.md with the reason.",
                   "ILGPU's CPU accelerator is an emulator, not an accelerator: it is listed as skipped unless --devices names it."],
    };

    /// <summary>Runs the report; returns the exit code.</summary>
    public static int Run(Flags flags) => ReportRun.Execute(Settings(flags));

    /// <summary>The settings the flags ask for (bad values throw <see cref="UsageException"/>).</summary>
    public static ReportSettings Settings(Flags flags)
    {
        bool quick = flags.Has("quick");
        var suites = flags.List("suites").Select(s => s.ToLowerInvariant()).ToHashSet();
        foreach (string suite in suites)
            if (!SuiteNames.Contains(suite)) throw new UsageException($"report: --suites: unknown suite '{suite}' (known: {string.Join(", ", SuiteNames)})");
        var peers = flags.List("peers").Select(s => s.ToLowerInvariant()).ToHashSet();
        if (peers.SetEquals(["none"])) peers.Clear();
        foreach (string peer in peers)
            if (!PeerNames.Contains(peer)) throw new UsageException($"report: --peers: unknown peer '{peer}' (known: {string.Join(", ", PeerNames)}, or none)");
        var shapes = flags.List("shapes").SelectMany(item => item switch { "square" => GemmShapes.Square, "vae" => GemmShapes.Vae, "all" => GemmShapes.All, _ => [item] })
            .Select(text => GemmShape.Parse(text).ToString()).Distinct().ToList();
        string out_ = flags.String("out");
        if (string.IsNullOrWhiteSpace(out_)) throw new UsageException("report: --out needs a folder name.");
        string python = flags.OptionalString("python") ?? (Environment.GetEnvironmentVariable("PYTHON") is { Length: > 0 } fromEnvironment ? fromEnvironment : PythonPeers.DefaultPython);
        string data = flags.OptionalString("data") ?? (Directory.Exists(ScratchVae.Vae.Data.DataSources.FashionMnistFolder) ? "fashion-mnist" : "mnist");
        return new ReportSettings
        {
            Out = out_, Quick = quick, Suites = suites, Shapes = shapes, Peers = peers, Python = python, Data = data,
            Devices = flags.Has("devices") ? flags.List("devices").Select(d => d.ToLowerInvariant()).Distinct().ToList() : null,
            Seconds = flags.OptionalDouble("seconds") ?? (quick ? 0.15 : 0.4),
            Rounds = flags.OptionalInt("rounds") ?? (quick ? 3 : 5),
            EpochRounds = flags.OptionalInt("epoch-rounds") ?? (quick ? 1 : 2),
            Epochs = flags.OptionalInt("epochs") ?? (quick ? 1 : 2),
            Limit = flags.OptionalInt("limit"),
            ConvLimit = flags.OptionalInt("conv-limit") ?? (quick ? 12_800 : null),
            Threads = flags.OptionalInt("threads") ?? Environment.ProcessorCount,
            CommandLine = CommandLine(flags),
        };
    }

    // As typed when the bench program runs (its arguments after the suite's name); from within another program (the
    // tests) the flags given, without their values.
    private static string CommandLine(Flags flags)
    {
        string[] arguments = Environment.GetCommandLineArgs();
        bool bench = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "ScratchVae.Bench" && arguments.Length >= 2 && arguments[1] == "report";
        return "dotnet run -c Release --project bench -- report" + (bench
            ? string.Concat(arguments.Skip(2).Select(a => " " + Quote(a)))
            : string.Concat(flags.Given.Order(StringComparer.Ordinal).Select(name => " --" + name + " …")));
    }

    private static string Quote(string argument) => argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_.,:/=+@".Contains(c))
        ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A number as the report writes it (invariant culture).</summary>
    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
