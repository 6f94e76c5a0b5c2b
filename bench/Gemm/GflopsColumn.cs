using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ScratchVae.Bench.Gemm;

/// <summary>A BenchmarkDotNet column with 2·m·n·k / mean time, read from the benchmark's Shape parameter.</summary>
public sealed class GflopsColumn : IColumn
{
    /// <inheritdoc />
    public string Id => "GFLOPS";

    /// <inheritdoc />
    public string ColumnName => "GFLOP/s";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "Billions of floating-point operations per second, 2·m·n·k per multiply over the mean time";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        object? shapeText = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(GemmBenchmarks.Shape))?.Value;
        if (report?.ResultStatistics is not { } statistics || shapeText is null) return "-";
        double flops = GemmShape.Parse(shapeText.ToString()!).Flops;
        return (flops / statistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture); // ns → GFLOP/s
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
