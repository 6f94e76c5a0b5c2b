using System.Numerics;
using NUnit.Framework;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// SumOverRows, SumOverColumns, SumAll and MaxOverColumns on every backend and element type, against float64
/// sums (allowed error ∝ Σ|x|), with and without accumulation, and the contract's determinism: the same
/// inputs give the same bits on every run.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class ReductionTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private IEnumerable<(int Rows, int Columns)> Shapes()
    {
        foreach (int rows in new[] { 1, 2, 3, 7, 31, 33, 127, 257 })
            foreach (int columns in new[] { 1, 2, 3, 7, 31, 33, 127, 257 })
                if (!IsEmulated || rows * columns <= 33 * 257) yield return (rows, columns);
        yield return (LargeRows, 301);
        yield return (IsEmulated ? 3 : 5, IsEmulated ? 5000 : 70_001);
        yield return (IsEmulated ? 2000 : 40_000, 3);
        yield return (IsEmulated ? 300 : 1000, 784);
    }

    [Test]
    public void SumOverRows_MatchesReference([Values] bool accumulate)
    {
        foreach (var (rows, columns) in Shapes())
        {
            double[] x = Inputs(rows * 1000 + columns, rows * columns, -1, 2);
            double[] before = Inputs(rows + columns, columns, -5, 5);
            var y = Upload(before);
            Backend.SumOverRows(Upload(x), rows, columns, y, accumulate);
            var expected = new double[columns];
            var bound = new double[columns];
            for (int j = 0; j < columns; j++)
            {
                double sum = 0, magnitude = 0;
                for (int i = 0; i < rows; i++)
                {
                    sum += x[i * columns + j];
                    magnitude += Math.Abs(x[i * columns + j]);
                }
                expected[j] = sum + (accumulate ? before[j] : 0);
                bound[j] = Allowed(magnitude + (accumulate ? Math.Abs(before[j]) : 0));
            }
            NumericAssert.AllWithin(Download(y), expected, bound, $"column sums of {rows} × {columns} (accumulate {accumulate})");
        }
    }

    [Test]
    public void SumOverColumns_MatchesReference([Values] bool accumulate)
    {
        foreach (var (rows, columns) in Shapes())
        {
            double[] x = Inputs(rows * 1000 + columns, rows * columns, -1, 2);
            double[] before = Inputs(rows + columns, rows, -5, 5);
            var y = Upload(before);
            Backend.SumOverColumns(Upload(x), rows, columns, y, accumulate);
            var expected = new double[rows];
            var bound = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double sum = 0, magnitude = 0;
                for (int j = 0; j < columns; j++)
                {
                    sum += x[i * columns + j];
                    magnitude += Math.Abs(x[i * columns + j]);
                }
                expected[i] = sum + (accumulate ? before[i] : 0);
                bound[i] = Allowed(magnitude + (accumulate ? Math.Abs(before[i]) : 0));
            }
            NumericAssert.AllWithin(Download(y), expected, bound, $"row sums of {rows} × {columns} (accumulate {accumulate})");
        }
    }

    [Test]
    public void SumAll_MatchesReference([Values] bool accumulate)
    {
        int[] lengths = [1, 2, 3, 7, 31, 33, 63, 64, 65, 127, 257, 1000, 16_383, 16_385, IsEmulated ? 20_000 : 300_007];
        foreach (int length in lengths)
        {
            double[] x = Inputs(length, length, -1, 2);
            var y = Upload([3.25]);
            Backend.SumAll(Upload(x), length, y, accumulate);
            double expected = x.Sum() + (accumulate ? 3.25 : 0);
            double allowed = Allowed(x.Sum(Math.Abs) + 3.25);
            NumericAssert.Close(Download(y)[0], expected, 0, allowed, $"sum of {length} elements (accumulate {accumulate})");
        }
    }

    /// <summary>Empty sums are 0 (or leave y unchanged when accumulating).</summary>
    [Test]
    public void Sums_OfNothing_AreZero()
    {
        var y = Upload([7.0, 7.0, 7.0]);
        Backend.SumAll(Allocate(0), 0, y);
        Backend.SumOverRows(Allocate(0), 0, 2, y, accumulate: false);
        Assert.That(Download(y), Is.EqualTo(new[] { 0.0, 0.0, 7.0 }));
        var rowSums = Upload([7.0, 7.0]);
        Backend.SumOverColumns(Allocate(0), 2, 0, rowSums, accumulate: true);
        Assert.That(Download(rowSums), Is.EqualTo(new[] { 7.0, 7.0 }));
    }

    [Test]
    public void MaxOverColumns_MatchesReference()
    {
        foreach (var (rows, columns) in Shapes())
        {
            double[] x = Inputs(rows * 1000 + columns, rows * columns, -50, 50);
            var y = Allocate(rows);
            Backend.MaxOverColumns(Upload(x), rows, columns, y);
            var expected = new double[rows];
            for (int i = 0; i < rows; i++) expected[i] = x.AsSpan(i * columns, columns).ToArray().Max();
            // A maximum involves no rounding: exact.
            NumericAssert.AllClose(Download(y), expected, 0, 0, $"row maxima of {rows} × {columns}");
        }
    }

    /// <summary>The maximum sits at every position of a row in turn, including each vector tail lane.</summary>
    [Test]
    public void MaxOverColumns_FindsTheMaximumAtEveryPosition()
    {
        const int columns = 37;
        double[] x = new double[columns * columns];
        for (int i = 0; i < columns; i++)
            for (int j = 0; j < columns; j++)
                x[i * columns + j] = i == j ? 5.0 : -1.0 - j;
        var y = Allocate(columns);
        Backend.MaxOverColumns(Upload(x), columns, columns, y);
        Assert.That(Download(y), Is.All.EqualTo(5.0));
    }

    /// <summary>The contract: the same inputs give the same bits on every run.</summary>
    [Test]
    public void Reductions_AreBitIdentical_RunToRun()
    {
        int rows = IsEmulated ? 40 : 400, columns = 301;
        // Values of mixed sign and magnitude, where any change in summation order would show in the last bits.
        double[] x = TestData.Uniform(99, rows * columns, -1, 1).Select((v, i) => v * Math.Pow(10, i % 7 - 3)).ToArray();
        var input = Upload(x);
        T[] Run()
        {
            var columnSums = Allocate(columns);
            var rowSums = Allocate(rows);
            var total = Allocate(1);
            Backend.SumOverRows(input, rows, columns, columnSums);
            Backend.SumOverColumns(input, rows, columns, rowSums);
            Backend.SumAll(input, rows * columns, total);
            return [.. DownloadRaw(columnSums), .. DownloadRaw(rowSums), .. DownloadRaw(total)];
        }
        T[] first = Run();
        for (int repeat = 0; repeat < 3; repeat++) NumericAssert.BitIdentical<T>(Run(), first, $"reductions, repeat {repeat + 1}");
    }

    private static double Allowed(double absoluteSum) => Tolerance.SumRelativeToAbsoluteSum * absoluteSum + Tolerance.ElementwiseAbsolute;
}
