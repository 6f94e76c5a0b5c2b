using BenchmarkDotNet.Running;
using ScratchVae.Bench.Elementwise;
using ScratchVae.Bench.Gemm;
using ScratchVae.Vae.Cli;

// ScratchVae benchmarks. Usage:
//   dotnet run -c Release --project bench -- <suite> [--quick] [suite flags | BenchmarkDotNet options]
// Each suite is a verb with a flag table (the same Flag rows as the scratchvae command line: parsing, --help) and a
// quick mode that prints a table in seconds; some also have BenchmarkDotNet classes (long, careful runs), which run
// without --quick. To add a suite, give it a Verb and add one entry to the table below.
var suites = new (Verb Verb, Type[] Benchmarks)[]
{
    (QuickGemm.Verb, [typeof(GemmBenchmarks)]),
    (QuickElementwise.Verb, [typeof(ElementwiseBenchmarks)]),
    (PlanComparison.Verb, []),
    (ScratchVae.Bench.Fuzz.FuzzCommand.Verb, []),
    (ScratchVae.Bench.Convolution.ConvolutionBenchmark.Verb, []),
    (ScratchVae.Bench.Vae.TrainingStepBenchmark.Verb, []),
    (ScratchVae.Bench.Report.ReportCommand.Verb, []),
};
const string program = "bench";
var verbs = suites.Select(s => s.Verb).ToList();
static bool IsHelp(string arg) => arg is "--help" or "-h";

if (args.Length == 0 || IsHelp(args[0]) || args[0] == "help")
{
    if (args.Length > 1 && verbs.FirstOrDefault(v => v.Name == args[1]) is { } named)
    {
        Console.Write(FlagHelp.ForVerb(named, program));
        return 0;
    }
    Console.WriteLine($"usage: {program} SUITE [--quick] [flags]; '{program} SUITE --help' lists a suite's flags");
    int width = verbs.Max(v => v.Name.Length);
    foreach (var verb in verbs) Console.WriteLine($"  {verb.Name.PadRight(width)}  {verb.Summary}");
    return args.Length == 0 ? 2 : 0;
}

try
{
    var (chosen, rest) = Verbs.Resolve(verbs, args, program);
    var benchmarks = suites.First(s => s.Verb == chosen).Benchmarks;
    if (rest.Any(IsHelp))
    {
        Console.Write(FlagHelp.ForVerb(chosen, program));
        return 0;
    }
    // Suites without BenchmarkDotNet classes always run their own measurement; the others do with --quick.
    if (benchmarks.Length > 0 && !rest.Contains("--quick"))
    {
        BenchmarkSwitcher.FromTypes(benchmarks).Run(rest);
        return 0;
    }
    return chosen.Run!(Flags.Parse(chosen, rest, program));
}
catch (Exception exception) when (exception is UsageException or FormatException or ArgumentException or OverflowException)
{
    // A bad flag, shape or plan: one line, no stack trace.
    Console.Error.WriteLine($"{program}: {exception.Message}");
    return 2;
}
