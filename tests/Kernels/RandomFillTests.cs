using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels.Random;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// UniformFill and NormalFill on every backend and element type: the exact numbers of
/// <see cref="RandomStreams"/> (uniforms bit for bit everywhere; normals bit for bit on the host and to float
/// tolerance on devices, whose log/sin/cos may round differently), the (0, 1] range, and the distributions
/// (moments and a Kolmogorov–Smirnov test at a fixed seed).
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class RandomFillTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Deviations of sample moments beyond this many standard errors fail (a 1-in-1.7-million event per check).</summary>
    private const double StandardErrors = 5.0;

    private static readonly ulong[] Seeds = [0ul, 42ul, 0xdeadbeefcafef00dul];
    private static readonly ulong[] CounterOffsets = [0ul, 5ul, (1ul << 32) + 3];

    private int[] Lengths => [1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 33, 127, 257, IsEmulated ? 2_000 : 100_003];

    private int StatisticsLength => IsEmulated ? 50_000 : 400_000;

    [Test]
    public void UniformFill_EqualsRandomStreams([ValueSource(nameof(Seeds))] ulong seed, [ValueSource(nameof(CounterOffsets))] ulong counterOffset)
    {
        const int offset = 3, guard = 5;
        foreach (int length in Lengths)
        {
            var buffer = Filled(offset + length + guard, -1);
            Backend.UniformFill(buffer, offset, length, seed, counterOffset);
            T[] actual = DownloadRaw(buffer);
            var expected = new T[actual.Length];
            Array.Fill(expected, T.NegativeOne);
            for (int i = 0; i < length; i++) expected[offset + i] = RandomStreams.Uniform<T>(seed, counterOffset, i);
            NumericAssert.BitIdentical<T>(actual, expected, $"uniforms, seed {seed:x}, counter offset {counterOffset}, length {length}");
        }
    }

    [Test]
    public void NormalFill_EqualsRandomStreams([ValueSource(nameof(Seeds))] ulong seed, [ValueSource(nameof(CounterOffsets))] ulong counterOffset)
    {
        const int offset = 2, guard = 5;
        T mean = T.CreateTruncating(0.5), standardDeviation = T.CreateTruncating(2.0);
        foreach (int length in Lengths)
        {
            var buffer = Filled(offset + length + guard, -1);
            Backend.NormalFill(buffer, offset, length, seed, counterOffset, mean, standardDeviation);
            T[] actual = DownloadRaw(buffer);
            var expected = new T[actual.Length];
            Array.Fill(expected, T.NegativeOne);
            for (int i = 0; i < length; i++) expected[offset + i] = RandomStreams.Normal(seed, counterOffset, i, mean, standardDeviation);
            string what = $"normals, seed {seed:x}, counter offset {counterOffset}, length {length}";
            if (BackendName.StartsWith("host", StringComparison.Ordinal))
                NumericAssert.BitIdentical<T>(actual, expected, what);
            else
                NumericAssert.AllClose(TestData.ToDouble<T>(actual), TestData.ToDouble<T>(expected), Tolerance.DerivativeRelative, Tolerance.DerivativeAbsolute, what);
        }
    }

    /// <summary>Two fills whose counter offsets follow <see cref="RandomStreams.BlocksUsed{T}"/> continue one stream.</summary>
    [Test]
    public void ConsecutiveFills_ContinueTheStream()
    {
        const int first = 40, second = 24, seed = 7;
        var whole = Allocate(first + second);
        Backend.UniformFill(whole, 0, first + second, seed, 11);
        var parts = Allocate(first + second);
        Backend.UniformFill(parts, 0, first, seed, 11);
        Backend.UniformFill(parts, first, second, seed, 11 + RandomStreams.BlocksUsed<T>(first));
        NumericAssert.BitIdentical<T>(DownloadRaw(parts), DownloadRaw(whole), "two fills against one");
    }

    [Test]
    public void Uniforms_LieInZeroOneClosed_AndAreUniform()
    {
        int n = StatisticsLength;
        var buffer = Allocate(n);
        Backend.UniformFill(buffer, 0, n, 20240601, 0);
        double[] u = Download(buffer);
        Assert.That(u.Min(), Is.GreaterThan(0.0), "uniforms are never 0 (so log u is finite)");
        Assert.That(u.Max(), Is.LessThanOrEqualTo(1.0));
        // Grid: float uniforms are k · 2⁻²⁴, double uniforms k · 2⁻⁵³, k ∈ [1, 2ᵇ].
        double grid = typeof(T) == typeof(float) ? 16777216.0 : 9007199254740992.0;
        Assert.That(u.All(x => Math.Floor(x * grid) == x * grid), Is.True, "uniforms lie on their grid");
        double mean = u.Average(), variance = u.Select(x => (x - mean) * (x - mean)).Sum() / (n - 1);
        Assert.That(mean, Is.EqualTo(0.5).Within(StandardErrors * Math.Sqrt(1.0 / 12 / n)), "mean");
        // Var of the sample variance of U(0, 1): (1/80 − 1/144) / n.
        Assert.That(variance, Is.EqualTo(1.0 / 12).Within(StandardErrors * Math.Sqrt((1.0 / 80 - 1.0 / 144) / n)), "variance");
        double statistic = NormalDistribution.KolmogorovSmirnov(u, x => Math.Clamp(x, 0, 1));
        Assert.That(statistic, Is.LessThan(NormalDistribution.KolmogorovSmirnovCritical(n)), "KS statistic against U(0, 1)");
    }

    [Test]
    public void Normals_HaveStandardMomentsAndPassKolmogorovSmirnov()
    {
        int n = StatisticsLength;
        var buffer = Allocate(n);
        Backend.NormalFill(buffer, 0, n, 987654321, 17, T.Zero, T.One);
        double[] z = Download(buffer);
        Assert.That(z.All(double.IsFinite), Is.True, "every normal is finite");
        double mean = z.Average(), variance = z.Select(x => (x - mean) * (x - mean)).Sum() / (n - 1);
        Assert.That(mean, Is.EqualTo(0.0).Within(StandardErrors / Math.Sqrt(n)), "mean");
        Assert.That(variance, Is.EqualTo(1.0).Within(StandardErrors * Math.Sqrt(2.0 / n)), "variance");
        double critical = NormalDistribution.KolmogorovSmirnovCritical(n);
        Assert.That(NormalDistribution.KolmogorovSmirnov(z, NormalDistribution.Cdf), Is.LessThan(critical), "KS statistic against N(0, 1)");
        // The same test must reject a slightly wrong distribution, or it proves nothing. A shift δ moves the CDF by up to
        // δ·φ(0) ≈ 0.4 δ and a scale 1 + ε by up to ε·max|z φ(z)| ≈ 0.24 ε: both alternatives sit at 4 critical values.
        double shift = 4 * critical / 0.4, scale = 1 + 4 * critical / 0.24;
        Assert.That(NormalDistribution.KolmogorovSmirnov(z, x => NormalDistribution.Cdf(x - shift)), Is.GreaterThan(critical),
            $"KS must reject N({shift:F3}, 1)");
        Assert.That(NormalDistribution.KolmogorovSmirnov(z, x => NormalDistribution.Cdf(x / scale)), Is.GreaterThan(critical),
            $"KS must reject N(0, {scale:F3}²)");
    }

    [Test]
    public void NormalFill_AppliesMeanAndStandardDeviation()
    {
        const int n = 64;
        var standard = Allocate(n);
        var shifted = Allocate(n);
        Backend.NormalFill(standard, 0, n, 5, 0, T.Zero, T.One);
        Backend.NormalFill(shifted, 0, n, 5, 0, T.CreateTruncating(-3.0), T.CreateTruncating(0.5));
        double[] expected = Download(standard).Select(z => -3.0 + 0.5 * z).ToArray();
        NumericAssert.AllClose(Download(shifted), expected, Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, "mean + std · z");
    }

    [Test]
    public void DifferentSeedsAndOffsets_GiveDifferentStreams()
    {
        const int n = 32;
        var a = Allocate(n);
        var b = Allocate(n);
        var c = Allocate(n);
        Backend.UniformFill(a, 0, n, 1, 0);
        Backend.UniformFill(b, 0, n, 2, 0);
        Backend.UniformFill(c, 0, n, 1, 1000);
        double[] first = Download(a);
        Assert.That(Download(b).Zip(first).Count(pair => pair.First == pair.Second), Is.LessThan(2), "seed 1 against seed 2");
        Assert.That(Download(c).Zip(first).Count(pair => pair.First == pair.Second), Is.LessThan(2), "offset 0 against offset 1000");
    }
}
