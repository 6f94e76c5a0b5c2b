using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ScratchVae.Bench.Gemm;

/// <summary>
/// GEMM per backend and shape: squares 128–1024 and every GEMM of a VAE training step (see <see cref="GemmShapes"/>),
/// float, alpha = 1, beta = 0, all host threads. The GFLOP/s column is 2·m·n·k over the mean.
/// </summary>
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private IGemmRunner? _runner;

    /// <summary>The backend (see <see cref="GemmRunners"/>).</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "host";

    /// <summary>The shape, "MxNxK:AB".</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    /// <summary>Backends to run.</summary>
    public static IEnumerable<string> Backends => GemmRunners.Available();

    /// <summary>Shapes to run.</summary>
    public static IEnumerable<string> Shapes => GemmShapes.All;

    /// <summary>Allocates the operands.</summary>
    [GlobalSetup]
    public void Setup() => _runner = GemmRunners.Create(Backend, GemmShape.Parse(Shape), Environment.ProcessorCount);

    /// <summary>Frees them.</summary>
    [GlobalCleanup]
    public void Cleanup() => _runner?.Dispose();

    /// <summary>One C = op(A)·op(B).</summary>
    [Benchmark]
    public void Multiply() => _runner!.Run();

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn());
            AddJob(Job.Default.WithWarmupCount(5).WithIterationCount(15));
        }
    }
}
