using System.Numerics;
using NUnit.Framework;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// SumOfSquares on every backend and element type: against float64 sums of squares (allowed error ∝ Σx², every
/// term being positive) for every length 0 … 300 and large ones, with and without accumulation, and the contract's
/// determinism: the same inputs give the same bits on every run.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class SumOfSquaresTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Every length 0 … 300 (vector tails, the host's four-vector blocks, the emulator's partial counts 1 and 2), then
    /// one above the host's parallel threshold and, on ILGPU, one past the cap of 4096 partial sums (4096 · 256 elements).
    /// </summary>
    private IEnumerable<int> Lengths()
    {
        for (int length = 0; length <= 300; length++) yield return length;
        yield return 16_385;
        yield return IsEmulated ? 1_100_003 : 300_007;
    }

    [Test]
    public void SumOfSquares_MatchesReference([Values] bool accumulate)
    {
        const double before = 3.25;
        foreach (int length in Lengths())
        {
            double[] x = Inputs(length, length, -1.5, 1);
            var y = Upload([before]);
            Backend.SumOfSquares(Upload(x), length, y, accumulate);
            double sumOfSquares = x.Sum(value => value * value);
            double expected = sumOfSquares + (accumulate ? before : 0);
            NumericAssert.Close(Download(y)[0], expected, 0, Allowed(sumOfSquares + before), $"sum of {length} squares (accumulate {accumulate})");
        }
    }

    /// <summary>An empty sum is 0, or leaves y unchanged when accumulating.</summary>
    [Test]
    public void SumOfSquares_OfNothing_IsZero()
    {
        var y = Upload([7.0, 7.0]);
        Backend.SumOfSquares(Allocate(0), 0, y);
        Assert.That(Download(y), Is.EqualTo(new[] { 0.0, 7.0 }));
        var z = Upload([7.0]);
        Backend.SumOfSquares(Upload([1, 2, 3]), 0, z, accumulate: true);
        Assert.That(Download(z), Is.EqualTo(new[] { 7.0 }));
    }

    /// <summary>Only the first <c>length</c> elements count, and a sign never matters.</summary>
    [Test]
    public void SumOfSquares_ReadsOnlyTheGivenLength()
    {
        var y = Allocate(1);
        Backend.SumOfSquares(Upload([-3, 4, 100, 100]), 2, y);
        Assert.That(Download(y)[0], Is.EqualTo(25.0));
    }

    /// <summary>The contract: the same inputs give the same bits on every run, at sizes that split over threads and partials.</summary>
    [Test]
    public void SumOfSquares_IsBitIdentical_RunToRun()
    {
        foreach (int length in new[] { 301, IsEmulated ? 40_001 : 300_007 })
        {
            // Values of mixed magnitude, where any change in summation order would show in the last bits.
            double[] x = TestData.RoundTo<T>(TestData.Uniform(98, length, -1, 1).Select((v, i) => v * Math.Pow(10, i % 5 - 2)).ToArray());
            var input = Upload(x);
            T[] Run()
            {
                var total = Allocate(1);
                Backend.SumOfSquares(input, length, total);
                return DownloadRaw(total);
            }
            T[] first = Run();
            for (int repeat = 0; repeat < 2; repeat++) NumericAssert.BitIdentical<T>(Run(), first, $"sum of {length} squares, repeat {repeat + 1}");
        }
    }

    private static double Allowed(double absoluteSum) => Tolerance.SumRelativeToAbsoluteSum * absoluteSum + Tolerance.ElementwiseAbsolute;
}
