using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// PackedGemm against a float64 triple loop, for every micro-kernel family (a family the processor does not
/// accelerate still runs, emulated), one to three threads, all four transpose combinations, awkward sizes that hit
/// every edge of the register tiles and cache blocks, and the alpha/beta rules of BLAS.
/// </summary>
[TestFixture(GemmInstructionSet.Auto, 1)]
[TestFixture(GemmInstructionSet.Auto, 2)]
[TestFixture(GemmInstructionSet.Vector256, 1)]
[TestFixture(GemmInstructionSet.Vector256, 2)]
[TestFixture(GemmInstructionSet.Vector512, 2)]
[TestFixture(GemmInstructionSet.Scalar, 1)]
[TestFixture(GemmInstructionSet.Scalar, 3)]
public sealed unsafe class PackedGemmTests(GemmInstructionSet instructionSet, int threads)
{
    private static readonly int[] AwkwardSizes = [1, 2, 3, 7, 31, 33, 127, 257];

    // The shapes of the VAE's layers (weights [out, in] like nn.Linear): forward X·Wᵀ, input gradient dY·W,
    // weight gradient dYᵀ·X.
    private static readonly (int M, int N, int K, bool TransposeA, bool TransposeB)[] VaeShapes =
    [
        (128, 400, 784, false, true), (128, 20, 400, false, true), (128, 400, 20, false, true), (128, 784, 400, false, true),
        (128, 784, 400, false, false), (128, 400, 20, false, false), (128, 20, 400, false, false), (128, 400, 784, false, false),
        (400, 784, 128, true, false), (20, 400, 128, true, false), (400, 20, 128, true, false), (784, 400, 128, true, false),
    ];

    private WorkerPool _pool = null!;

    [OneTimeSetUp]
    public void CreatePool() => _pool = new WorkerPool(threads);

    [OneTimeTearDown]
    public void DisposePool() => _pool.Dispose();

    private static IEnumerable<(bool, bool)> Transposes() => [(false, false), (false, true), (true, false), (true, true)];

    [Test]
    public void SmallSizesAllTransposesFloat() => SmallSizesAllTransposes<float>();

    [Test]
    public void SmallSizesAllTransposesDouble() => SmallSizesAllTransposes<double>();

    // Every m, n, k in {1, 2, 3, 7, 31, 33}: below, at and just past one register tile in each direction.
    private void SmallSizesAllTransposes<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] sizes = [1, 2, 3, 7, 31, 33];
        int seed = 1;
        foreach (var (transposeA, transposeB) in Transposes())
        foreach (int m in sizes)
        foreach (int n in sizes)
        foreach (int k in sizes)
            Check<T>(transposeA, transposeB, m, n, k, T.One, T.Zero, seed++);
    }

    [Test]
    public void LargeAwkwardSizesFloat([Values(false, true)] bool transposeA, [Values(false, true)] bool transposeB)
        => LargeAwkwardSizes<float>(transposeA, transposeB);

    [Test]
    public void LargeAwkwardSizesDouble([Values(false, true)] bool transposeA, [Values(false, true)] bool transposeB)
        => LargeAwkwardSizes<double>(transposeA, transposeB);

    // Shapes past the cache blocks (k > KC = 256, m > MC) with every size of the list in every role.
    private void LargeAwkwardSizes<T>(bool transposeA, bool transposeB) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 100;
        for (int i = 0; i < AwkwardSizes.Length; i++)
        {
            int m = AwkwardSizes[i], n = AwkwardSizes[(i + 3) % AwkwardSizes.Length], k = AwkwardSizes[(i + 6) % AwkwardSizes.Length];
            Check<T>(transposeA, transposeB, m, n, k, T.One, T.Zero, seed++);
        }
        Check<T>(transposeA, transposeB, 257, 257, 257, T.One, T.Zero, seed++);
        Check<T>(transposeA, transposeB, 127, 33, 600, T.One, T.Zero, seed++);
        Check<T>(transposeA, transposeB, 300, 530, 31, T.One, T.Zero, seed);
    }

    [Test]
    public void VaeShapesFloat() => VaeShapesOf<float>();

    [Test]
    public void VaeShapesDouble() => VaeShapesOf<double>();

    private void VaeShapesOf<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 200;
        foreach (var (m, n, k, transposeA, transposeB) in VaeShapes)
            Check<T>(transposeA, transposeB, m, n, k, T.One, T.Zero, seed++);
    }

    [Test]
    public void AlphaAndBetaFloat([Values(false, true)] bool transposeA, [Values(false, true)] bool transposeB)
        => AlphaAndBeta<float>(transposeA, transposeB);

    [Test]
    public void AlphaAndBetaDouble([Values(false, true)] bool transposeA, [Values(false, true)] bool transposeB)
        => AlphaAndBeta<double>(transposeA, transposeB);

    // beta ≠ 0 also covers k > KC, where later depth blocks add into C with beta = 1.
    private void AlphaAndBeta<T>(bool transposeA, bool transposeB) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateChecked(0.5), minusOneAndHalf = T.CreateChecked(-1.5), two = T.CreateChecked(2.0);
        Check<T>(transposeA, transposeB, 33, 31, 7, half, minusOneAndHalf, 300);
        Check<T>(transposeA, transposeB, 127, 33, 600, minusOneAndHalf, T.One, 301);
        Check<T>(transposeA, transposeB, 7, 257, 127, two, half, 302);
        Check<T>(transposeA, transposeB, 31, 20, 400, T.One, T.One, 303);
        // 48 = 32 + 16 columns: a whole one-vector edge tile of the 8 × 32 Vector512 kernel, beta ≠ 0 from the first block.
        Check<T>(transposeA, transposeB, 16, 48, 300, half, minusOneAndHalf, 304);
    }

    [Test]
    public void BetaZeroDoesNotReadNaNsInCFloat([Values(1, 7, 33, 257)] int size) => BetaZeroDoesNotReadNaNsInC<float>(size);

    [Test]
    public void BetaZeroDoesNotReadNaNsInCDouble([Values(1, 7, 33, 257)] int size) => BetaZeroDoesNotReadNaNsInC<double>(size);

    private void BetaZeroDoesNotReadNaNsInC<T>(int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var (transposeA, transposeB) in Transposes())
            Check<T>(transposeA, transposeB, size, size + 3, size + 300, T.CreateChecked(0.75), T.Zero, 400 + size, initialC: T.NaN);
    }

    [Test]
    public void AlphaZeroScalesCByBeta()
    {
        Check<float>(false, false, 33, 17, 5, 0f, 2f, 500);
        Check<double>(true, true, 33, 17, 5, 0.0, 0.0, 501, initialC: double.NaN);
    }

    /// <summary>
    /// Runs one GEMM and compares every element of C with a float64 reference, within
    /// |C − C_ref| ≤ tolerance(T) · k · (|alpha| Σₚ |A(i,p) B(p,j)| + |beta C₀(i,j)|) + tiny, the bound on the rounding of
    /// a length-k dot product in T. Elements around C are guarded against stray writes.
    /// </summary>
    private void Check<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, T beta, int seed, T? initialC = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Guard = 32;
        var random = new Random(seed);
        T[] a = RandomArray<T>(random, m * k);
        T[] b = RandomArray<T>(random, k * n);
        T[] c = new T[m * n + 2 * Guard];
        T sentinel = T.CreateChecked(12345.0);
        for (int i = 0; i < c.Length; i++)
            c[i] = i < Guard || i >= Guard + m * n ? sentinel : initialC ?? T.CreateChecked(random.NextDouble() * 2 - 1);
        T[] c0 = (T[])c.Clone();

        fixed (T* pa = a, pb = b, pc = c)
            PackedGemm.Multiply(_pool, instructionSet, transposeA, transposeB, m, n, k, alpha, pa, pb, beta, pc + Guard);

        double unit = typeof(T) == typeof(float) ? Math.Pow(2, -24) : Math.Pow(2, -53);
        double alphaD = double.CreateChecked(alpha), betaD = double.CreateChecked(beta);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0, magnitude = 0;
            for (int p = 0; p < k; p++)
            {
                double av = double.CreateChecked(transposeA ? a[p * m + i] : a[i * k + p]);
                double bv = double.CreateChecked(transposeB ? b[j * k + p] : b[p * n + j]);
                sum += av * bv;
                magnitude += Math.Abs(av * bv);
            }
            double before = double.CreateChecked(c0[Guard + i * n + j]);
            double expected = alphaD * sum + (betaD == 0 ? 0 : betaD * before);
            double bound = 4 * (k + 2) * unit * (Math.Abs(alphaD) * magnitude + (betaD == 0 ? 0 : Math.Abs(betaD * before))) + 1e-30;
            double actual = double.CreateChecked(c[Guard + i * n + j]);
            if (!(Math.Abs(actual - expected) <= bound))
                Assert.Fail($"{typeof(T).Name} {instructionSet} threads={threads} tA={transposeA} tB={transposeB} m={m} n={n} k={k} " +
                            $"alpha={alpha} beta={beta}: C[{i},{j}] = {actual}, expected {expected} ± {bound}");
        }
        for (int i = 0; i < Guard; i++)
        {
            Assert.That(c[i], Is.EqualTo(sentinel), "GEMM wrote before C");
            Assert.That(c[Guard + m * n + i], Is.EqualTo(sentinel), "GEMM wrote past C");
        }
    }

    private static T[] RandomArray<T>(Random random, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }
}
