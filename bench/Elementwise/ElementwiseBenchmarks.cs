using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ScratchVae.Kernels;

namespace ScratchVae.Bench.Elementwise;

/// <summary>
/// Maps, fused passes and normal sampling per backend and size: n = 100,352 (a 128 × 784 batch) and 4,194,304
/// (bigger than the caches). The GB/s column is the minimum traffic over the mean time.
/// </summary>
[Config(typeof(Config))]
public class ElementwiseBenchmarks
{
    private ElementwiseCase? _case;
    private IBackend? _backend;

    /// <summary>The backend name ("host", "ilgpu-cpu", "cuda", …: whichever are usable).</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "host";

    /// <summary>The primitive.</summary>
    [ParamsSource(nameof(Primitives))]
    public string Primitive { get; set; } = "relu";

    /// <summary>Floats per operand.</summary>
    [Params(128 * 784, 1 << 22)]
    public int Length { get; set; }

    /// <summary>Usable backends (ilgpu-cpu is an emulator; it is included only when SCRATCHVAE_BENCH_ALL is set).</summary>
    public static IEnumerable<string> Backends => ScratchVae.Kernels.Backends.List()
        .Where(d => d.Usable && (d.Type != "ilgpu-cpu" || Environment.GetEnvironmentVariable("SCRATCHVAE_BENCH_ALL") is not null))
        .Select(d => d.Name);

    /// <summary>Every primitive of <see cref="ElementwiseCase.Names"/>.</summary>
    public static IEnumerable<string> Primitives => ElementwiseCase.Names;

    /// <summary>Creates the backend and operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _backend = ScratchVae.Kernels.Backends.Create(Backend);
        _case = new ElementwiseCase(_backend, Primitive, Length);
    }

    /// <summary>Frees them.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _case?.Dispose();
        _backend?.Dispose();
    }

    /// <summary>One pass.</summary>
    [Benchmark]
    public void Run() => _case!.Run();

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new BandwidthColumn());
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
        }
    }

    /// <summary>Minimum bytes moved / mean time.</summary>
    private sealed class BandwidthColumn : IColumn
    {
        public string Id => "GBps";
        public string ColumnName => "GB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Minimum bytes read and written per pass over the mean time";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (summary[benchmarkCase]?.ResultStatistics is not { } statistics) return "-";
            string primitive = (string)benchmarkCase.Parameters[nameof(Primitive)];
            int length = (int)benchmarkCase.Parameters[nameof(Length)];
            long bytes = BytesFor(primitive, length);
            return (bytes / statistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture); // bytes/ns = GB/s
        }

        private static long BytesFor(string primitive, int length)
        {
            using var backend = ScratchVae.Kernels.Backends.Create("host", 1);
            using var probe = new ElementwiseCase(backend, primitive, length);
            return probe.BytesMoved;
        }
    }
}
