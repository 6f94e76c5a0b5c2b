using BenchmarkDotNet.Running;
using ScratchVae.Bench.Elementwise;
using ScratchVae.Bench.Gemm;

// ScratchVae benchmarks. Usage:
//   dotnet run -c Release --project bench -- <suite> [--quick] [suite options | BenchmarkDotNet options]
// Each suite has a BenchmarkDotNet class set (long, careful runs) and a quick mode that prints a table in seconds.
// To add a suite (maps, sampling, vae, …), add one entry to the table below.
var suites = new (string Name, string Description, Type[] Benchmarks, Func<string[], int> Quick)[]
{
    ("gemm", "matrix multiply, squares and the VAE's shapes (quick options: --threads N --seconds S --shapes a,b --isa X --double --csv)",
        [typeof(GemmBenchmarks)], QuickGemm.Run),
    ("elementwise", "maps, fused passes (bias+relu, BCE, Adam) and Philox uniform/normal sampling (quick options: --length N --seconds S --backends a,b)",
        [typeof(ElementwiseBenchmarks)], QuickElementwise.Run),
    ("gemm-plans", "one host GEMM shape cut up several ways, the plans alternating in one process (--shape S --plans model,grid:RxC,columns:W,shared --cache warm|l3 --rounds R)",
        [], PlanComparison.Run),
    ("fuzz", "every file reader against mutated inputs (--count 1000000 per reader --seed S --readers idx,idx-gzip,safetensors,config.json,metrics.csv)",
        [], ScratchVae.Bench.Fuzz.FuzzCommand.Run),
    ("conv", "the host's convolution two ways on the conv VAE's shapes: unfolded patches into the GEMM against a direct loop (--threads N --rounds R --batch B)",
        [], ScratchVae.Bench.Convolution.ConvolutionBenchmark.Run),
    ("vae-step", "one VAE training step on the host, phase and primitive times, allocations (--variants plain:2,timed:2 --rounds R --steps S)", [], args => ScratchVae.Bench.Vae.TrainingStepBenchmark.Run(args)),
};

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: bench <suite> [--quick] [options]");
    foreach (var suite in suites) Console.WriteLine($"  {suite.Name,-10} {suite.Description}");
    return 0;
}

var chosen = suites.FirstOrDefault(s => s.Name == args[0]);
if (chosen.Name is null)
{
    Console.Error.WriteLine($"unknown suite '{args[0]}'; suites: {string.Join(", ", suites.Select(s => s.Name))}");
    return 2;
}

string[] rest = args[1..];
// Suites without BenchmarkDotNet classes (gemm-plans, vae-step) always run their own measurement.
if (rest.Contains("--quick") || chosen.Benchmarks.Length == 0) return chosen.Quick(rest);
BenchmarkSwitcher.FromTypes(chosen.Benchmarks).Run(rest);
return 0;
