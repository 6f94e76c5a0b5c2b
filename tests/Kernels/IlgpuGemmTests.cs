using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Ilgpu;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The ILGPU GEMM kernels on ILGPU's CPU accelerator against a float64 scalar loop: the two tiled GPU kernels (64 × 64
/// and 128 × 128) at small sizes only (each group barrier costs milliseconds in emulation), the per-element kernel the
/// CPU accelerator uses.
/// </summary>
[TestFixture]
public sealed class IlgpuGemmTests
{
    private IlgpuBackend _backend = null!;

    [OneTimeSetUp]
    public void Open() => _backend = IlgpuDevices.Create("ilgpu-cpu");

    [OneTimeTearDown]
    public void Close() => _backend.Dispose();

    /// <summary>
    /// Shapes: a single element; odd sizes inside one tile; k spanning three 16-deep stages; several 64 × 64 blocks with
    /// ragged edges; and two that the tiled kernel splits over k (4 ranges, the last 8 deep; 3 ranges over 4 blocks).
    /// </summary>
    private static readonly (int M, int N, int K)[] Shapes = [(1, 1, 1), (3, 5, 7), (17, 9, 33), (70, 66, 18), (20, 30, 200), (70, 66, 150)];

    /// <summary>
    /// Shapes for the 128 × 128 kernel (256 threads a group, so each barrier costs more in emulation): a single
    /// element; odd sizes with no dimension a multiple of 4 (scalar loads only); several 8-deep slabs with ragged
    /// edges; every dimension a multiple of 4 (vector loads inside, scalar ones at the far edges), 2 × 2 blocks;
    /// 2 × 2 blocks with odd edges and a last slab 2 deep; and a k-split into 4 ranges (the last 8 deep) with k a
    /// multiple of 4 and n not.
    /// </summary>
    private static readonly (int M, int N, int K)[] WideShapes = [(1, 1, 1), (3, 5, 7), (17, 9, 33), (132, 136, 24), (130, 129, 18), (20, 30, 200)];

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (strategy, shapes) in new[] { (GemmStrategy.Tiled, Shapes), (GemmStrategy.Tiled128, WideShapes), (GemmStrategy.PerElement, Shapes) })
            foreach (var (m, n, k) in shapes)
                foreach (bool transposeA in new[] { false, true })
                    foreach (bool transposeB in new[] { false, true })
                        yield return new TestCaseData(strategy, m, n, k, transposeA, transposeB);
    }

    [TestCaseSource(nameof(Cases))]
    public void FloatMatchesFloat64Reference(GemmStrategy strategy, int m, int n, int k, bool transposeA, bool transposeB) =>
        Check<float>(strategy, m, n, k, transposeA, transposeB, tolerance: 1e-5);

    [TestCaseSource(nameof(Cases))]
    public void DoubleMatchesFloat64Reference(GemmStrategy strategy, int m, int n, int k, bool transposeA, bool transposeB) =>
        Check<double>(strategy, m, n, k, transposeA, transposeB, tolerance: 1e-13);

    [TestCase(GemmStrategy.Tiled)]
    [TestCase(GemmStrategy.Tiled128)]
    [TestCase(GemmStrategy.PerElement)]
    public void BetaZeroDoesNotReadC(GemmStrategy strategy)
    {
        _backend.GemmStrategy = strategy;
        using var a = Upload(new float[] { 1, 2, 3, 4, 5, 6 });     // 2 × 3
        using var b = Upload(new float[] { 1, 0, 0, 1, 1, 1 });     // 3 × 2
        using var c = Upload(new float[] { float.NaN, float.NaN, float.NaN, float.NaN });
        _backend.Gemm(false, false, 2, 2, 3, 2f, a, b, 0f, c);
        Assert.That(Download(c), Is.EqualTo(new float[] { 2 * (1 + 3), 2 * (2 + 3), 2 * (4 + 6), 2 * (5 + 6) }));
    }

    [TestCase(GemmStrategy.Tiled)]
    [TestCase(GemmStrategy.Tiled128)]
    [TestCase(GemmStrategy.PerElement)]
    public void EmptyInnerDimensionScalesC(GemmStrategy strategy)
    {
        _backend.GemmStrategy = strategy;
        using var a = _backend.Allocate<float>(0);
        using var b = _backend.Allocate<float>(0);
        using var c = Upload(new float[] { 1, 2, 3 });
        _backend.Gemm(false, false, 3, 1, 0, 1f, a, b, 0.5f, c);
        Assert.That(Download(c), Is.EqualTo(new float[] { 0.5f, 1, 1.5f }));
    }

    [Test]
    public void RejectsUndersizedOperandWithANamedMessage()
    {
        using var a = _backend.Allocate<float>(5);
        using var b = _backend.Allocate<float>(6);
        using var c = _backend.Allocate<float>(4);
        var error = Assert.Throws<ArgumentException>(() => _backend.Gemm(false, false, 2, 2, 3, 1f, a, b, 0f, c));
        Assert.That(error!.Message, Does.Contain("Gemm").And.Contain("'a'").And.Contain("6"));
    }

    private void Check<T>(GemmStrategy strategy, int m, int n, int k, bool transposeA, bool transposeB, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        _backend.GemmStrategy = strategy;
        var random = new System.Random(m * 10007 + n * 101 + k);
        double[] a = Values(random, m * k), b = Values(random, k * n), c = Values(random, m * n);
        const double alpha = 0.75, beta = -1.25;
        using var aBuffer = Upload(Convert<T>(a));
        using var bBuffer = Upload(Convert<T>(b));
        using var cBuffer = Upload(Convert<T>(c));
        _backend.Gemm(transposeA, transposeB, m, n, k, T.CreateTruncating(alpha), aBuffer, bBuffer, T.CreateTruncating(beta), cBuffer);
        T[] actual = Download(cBuffer);

        for (int row = 0; row < m; row++)
            for (int column = 0; column < n; column++)
            {
                // The reference reads the operands as rounded to T, so only the kernel's arithmetic is compared.
                double sum = 0, magnitude = 0;
                for (int depth = 0; depth < k; depth++)
                {
                    double left = double.CreateTruncating(T.CreateTruncating(transposeA ? a[depth * m + row] : a[row * k + depth]));
                    double right = double.CreateTruncating(T.CreateTruncating(transposeB ? b[column * k + depth] : b[depth * n + column]));
                    sum += left * right;
                    magnitude += Math.Abs(left * right);
                }
                double old = double.CreateTruncating(T.CreateTruncating(c[row * n + column]));
                double expected = alpha * sum + beta * old;
                double scale = Math.Abs(alpha) * magnitude + Math.Abs(beta * old) + 1e-30;
                double error = Math.Abs(double.CreateTruncating(actual[row * n + column]) - expected);
                Assert.That(error, Is.LessThanOrEqualTo(tolerance * scale),
                    $"{strategy} C[{row}, {column}] of {m}×{n}×{k} (transposeA {transposeA}, transposeB {transposeB}) expected {expected}, got {actual[row * n + column]}");
            }
    }

    private static double[] Values(System.Random random, int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();

    private static T[] Convert<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => values.Select(T.CreateTruncating).ToArray();

    private DeviceBuffer<T> Upload<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var buffer = _backend.Allocate<T>(values.Length);
        _backend.Upload<T>(values, buffer);
        return buffer;
    }

    private T[] Download<T>(DeviceBuffer<T> buffer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[buffer.Length];
        _backend.Download(buffer, 0, values);
        return values;
    }

    /// <summary>
    /// The same inputs give the same bits twice, with the k-split (4 ranges summed in order by whichever group of the
    /// block finishes last) and without, for both tiled kernels: which group is last depends on timing, the bits do not.
    /// </summary>
    [TestCase(GemmStrategy.Tiled, true)]
    [TestCase(GemmStrategy.Tiled128, true)]
    [TestCase(GemmStrategy.Tiled128, false)]
    public void SameBitsOnEveryRun(GemmStrategy strategy, bool splitK)
    {
        _backend.GemmStrategy = strategy;
        _backend.GemmSplitK = splitK;
        try
        {
            var random = new System.Random(7);
            const int m = 20, n = 36, k = 200;
            using var a = Upload(Convert<float>(Values(random, m * k)));
            using var b = Upload(Convert<float>(Values(random, k * n)));
            using var c = _backend.Allocate<float>(m * n);
            _backend.Gemm(false, true, m, n, k, 1f, a, b, 0f, c);
            float[] first = Download(c);
            _backend.Gemm(false, true, m, n, k, 1f, a, b, 0f, c);
            Assert.That(Download(c), Is.EqualTo(first));
        }
        finally
        {
            _backend.GemmSplitK = true;
        }
    }

    /// <summary>
    /// A split product's partial sums added inside the tiled kernel's one launch (by the last group of each block to
    /// finish) give the bits of the second launch that added them before, SumSplits: with alpha and beta not 1 or 0,
    /// every transpose, several blocks of C. Run twice in turn, which also shows the arrival counters left at 0 for
    /// the next product (a count left over would make a group finish a block before its ranges are all in).
    /// </summary>
    [TestCase(GemmStrategy.Tiled, 70, 66, 150)]   // 2 × 2 blocks, 3 ranges of 64 (the last 22 deep)
    [TestCase(GemmStrategy.Tiled, 20, 30, 200)]   // 1 block, 4 ranges
    [TestCase(GemmStrategy.Tiled128, 130, 129, 140)] // 2 × 2 blocks of 128, 3 ranges of 48
    [TestCase(GemmStrategy.Tiled128, 20, 30, 200)]
    public void SumsSplitsInItsOneLaunchWithTheSecondLaunchsBits(GemmStrategy strategy, int m, int n, int k)
    {
        int tile = strategy == GemmStrategy.Tiled ? GemmKernels.TileSize : GemmKernels.WideTileSize;
        long blocks = (long)((m + tile - 1) / tile) * ((n + tile - 1) / tile);
        Assert.That(IlgpuBackend.GemmSplit(blocks, k).Splits, Is.GreaterThan(1), "the shape must be split");
        _backend.GemmStrategy = strategy;
        var random = new System.Random(m + n + k);
        try
        {
            foreach (bool transposeA in new[] { false, true })
                foreach (bool transposeB in new[] { false, true })
                {
                    using var a = Upload(Convert<float>(Values(random, m * k)));
                    using var b = Upload(Convert<float>(Values(random, k * n)));
                    float[] start = Convert<float>(Values(random, m * n));
                    float[] Product(bool inKernel, out long launches)
                    {
                        _backend.GemmSumSplitsInKernel = inKernel;
                        using var c = Upload(start);
                        long before = _backend.KernelLaunches;
                        _backend.Gemm(transposeA, transposeB, m, n, k, 0.75f, a, b, -1.25f, c);
                        launches = _backend.KernelLaunches - before;
                        return Download(c);
                    }
                    float[] separate = Product(false, out long separateLaunches);
                    float[] inside = Product(true, out long insideLaunches);
                    string what = $"{strategy} {m}x{n}x{k} transposeA {transposeA} transposeB {transposeB}";
                    Assert.That(inside.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(separate.Select(BitConverter.SingleToInt32Bits)), what);
                    Assert.That(Product(true, out _).Select(BitConverter.SingleToInt32Bits), Is.EqualTo(separate.Select(BitConverter.SingleToInt32Bits)), $"{what}, again");
                    Assert.That((separateLaunches, insideLaunches), Is.EqualTo((2L, 1L)), $"{what}: launches with the second pass and without");
                }
        }
        finally
        {
            _backend.GemmSumSplitsInKernel = true;
        }
    }

    /// <summary>
    /// The rule of <see cref="IlgpuBackend.ChooseTiledGemm"/> at the VAE's shapes and the squares: the 128 × 128 kernel
    /// only where its blocks and k-ranges give every one of the 132 SMs a group.
    /// </summary>
    [TestCase(1024, 1024, 1024, GemmStrategy.Tiled128, 4, 256)]  // 64 blocks of 128 × 128
    [TestCase(2048, 2048, 2048, GemmStrategy.Tiled128, 1, 2048)] // 256 blocks: no split
    [TestCase(512, 512, 512, GemmStrategy.Tiled, 4, 128)]        // 16 wide blocks × 8 = 128 groups: < 132
    [TestCase(128, 400, 784, GemmStrategy.Tiled, 13, 64)]
    [TestCase(128, 784, 400, GemmStrategy.Tiled, 7, 64)]
    [TestCase(128, 20, 400, GemmStrategy.Tiled, 7, 64)]
    [TestCase(128, 400, 20, GemmStrategy.Tiled, 1, 20)]
    [TestCase(400, 784, 128, GemmStrategy.Tiled, 2, 64)]
    [TestCase(784, 400, 128, GemmStrategy.Tiled, 2, 64)]
    [TestCase(20, 400, 128, GemmStrategy.Tiled, 2, 64)]
    [TestCase(400, 20, 128, GemmStrategy.Tiled, 2, 64)]
    public void ChoosesTheWideKernelOnlyWhereItFillsTheGpu(int m, int n, int k, GemmStrategy kernel, int splits, int depth) =>
        Assert.That(IlgpuBackend.ChooseTiledGemm(m, n, k), Is.EqualTo((kernel, splits, depth)));

    [TestCase(128, 400, 784, 13, 64)]   // the VAE's encoder: 14 blocks of C
    [TestCase(128, 20, 400, 7, 64)]     // a 400 → 20 head: 2 blocks
    [TestCase(400, 784, 128, 2, 64)]    // a weight gradient: 91 blocks
    [TestCase(20, 30, 200, 4, 64)]
    [TestCase(128, 400, 20, 1, 20)]     // k too short to split
    [TestCase(1024, 1024, 1024, 1, 1024)] // 256 blocks: enough groups already
    public void SplitsKOnlyWhereBlocksAreFew(int m, int n, int k, int splits, int depth)
    {
        Assert.That(IlgpuBackend.GemmSplit(m, n, k), Is.EqualTo((splits, depth)));
        // The ranges cover k exactly once.
        Assert.That((splits - 1) * depth, Is.LessThan(k));
        Assert.That(splits * depth, Is.GreaterThanOrEqualTo(k));
    }
}
