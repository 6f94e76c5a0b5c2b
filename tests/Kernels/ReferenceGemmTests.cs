using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The host PackedGemm, with every micro-kernel family this processor accelerates and the scalar one, on one thread
/// and two, against <see cref="ReferenceGemm"/>, the triple loop in src.
/// <para>
/// Exact cases: A, B and the initial C hold small integers (|a|, |b| ≤ 4, |c| ≤ 8), alpha ∈ {1, −0.5} and beta ∈ {0, 1,
/// 0.25}. Every product, partial sum (at most 16 · 784 in magnitude) and alpha/beta scaling is then exactly representable
/// in float and double, so every order of summation gives the exact result and the fast path must equal the
/// reference bit for bit (save the sign of an exact zero, which depends on the grouping: see Same). With beta = 0,
/// C starts as NaN, which must not reach the result.
/// </para>
/// <para>
/// Random cases: uniform values in [−1, 1), where the orders differ. The fast path and the reference each compute a
/// k-term sum of products, then scale by alpha and add beta · C: each result is within γ · S of the exact value, with
/// S = |alpha| · Σₚ |a · b| + |beta · c| and γ = (k + 2) · ε (k additions and products, the alpha and beta roundings; ε
/// the unit roundoff, 2⁻²⁴ for float and 2⁻⁵³ for double). So they differ by at most 2 · (k + 2) · ε · S, which is the
/// tolerance (S computed in double from the inputs).
/// </para>
/// </summary>
[TestFixture]
public sealed unsafe class ReferenceGemmTests : OneAndTwoWorkers
{
    /// <summary>Sizes below, at and just past the register tiles (4, 6, 8, 16, 32) and the cache blocks (KC = 256).</summary>
    private static readonly int[] EdgeSizes = [1, 2, 5, 7, 8, 15, 16, 17, 31, 33, 63, 65, 100, 129, 257];

    /// <summary>The VAE's large layer shapes (m, n, k).</summary>
    private static readonly (int M, int N, int K)[] VaeShapes = [(128, 400, 784), (128, 784, 400), (400, 784, 128)];

    private static readonly (bool TransposeA, bool TransposeB)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];

    /// <summary>(alpha, beta) pairs; beta = 0 runs with C filled with NaN.</summary>
    private static readonly (double Alpha, double Beta)[] AlphaBeta = [(1, 0), (-0.5, 0), (1, 1), (-0.5, 1), (1, 0.25), (-0.5, 0.25)];

    /// <summary>The micro-kernel families this processor accelerates, and the scalar one (which runs everywhere).</summary>
    private static GemmInstructionSet[] InstructionSets()
    {
        var sets = new List<GemmInstructionSet>();
        if (Vector512.IsHardwareAccelerated) sets.Add(GemmInstructionSet.Vector512);
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported) sets.Add(GemmInstructionSet.Vector256);
        sets.Add(GemmInstructionSet.Scalar);
        return [.. sets];
    }

    // ReferenceGemm itself, on a product small enough to check by hand.
    [Test]
    public void TheReferenceComputesTheDefinition()
    {
        // A = [1 2 3; 4 5 6] (2 × 3), B = [1 0; 0 1; 2 −1] (3 × 2): A · B = [7 −1; 16 −1].
        double[] a = [1, 2, 3, 4, 5, 6], b = [1, 0, 0, 1, 2, -1];
        double[] aT = [1, 4, 2, 5, 3, 6], bT = [1, 0, 2, 0, 1, -1];
        foreach (var (transposeA, transposeB) in Transposes)
        {
            double[] c = [1, 2, 3, 4];
            ReferenceGemm.Multiply(transposeA, transposeB, 2, 2, 3, 2.0, transposeA ? aT : a, transposeB ? bT : b, 0.5, c);
            Assert.That(c, Is.EqualTo(new double[] { 14.5, -1, 33.5, 0 }), $"transposeA {transposeA}, transposeB {transposeB}");
        }

        double[] nan = [double.NaN, double.NaN, double.NaN, double.NaN];
        ReferenceGemm.Multiply(false, false, 2, 2, 3, 1.0, a, b, 0.0, nan);
        Assert.That(nan, Is.EqualTo(new double[] { 7, -1, 16, -1 }), "beta = 0 does not read C");

        double[] scaled = [1, 2, 3, 4];
        ReferenceGemm.Multiply(false, false, 2, 2, 3, 0.0, [], [], 3.0, scaled);
        Assert.That(scaled, Is.EqualTo(new double[] { 3, 6, 9, 12 }), "alpha = 0 does not read A or B");
    }

    [Test]
    public void OneByOneByOne([Values] bool useDouble)
    {
        foreach (var (transposeA, transposeB) in Transposes)
        foreach (var (alpha, beta) in AlphaBeta)
        {
            if (useDouble) CheckExact<double>(new Case(1, 1, 1, transposeA, transposeB, alpha, beta), seed: 1);
            else CheckExact<float>(new Case(1, 1, 1, transposeA, transposeB, alpha, beta), seed: 1);
        }
    }

    /// <summary>
    /// A Latin square of the edge sizes: every (m, n) pair once, with k = sizes[(i + j) mod 15], so every (m, k) and
    /// (n, k) pair also appears once (225 shapes); each in all four transpose combinations, with alpha and beta
    /// cycling through the six pairs (each pair on 150 of the 900 cases).
    /// </summary>
    private static IEnumerable<Case> EdgeCases()
    {
        int count = EdgeSizes.Length, index = 0;
        for (int i = 0; i < count; i++)
        for (int j = 0; j < count; j++)
        foreach (var (transposeA, transposeB) in Transposes)
        {
            var (alpha, beta) = AlphaBeta[index++ % AlphaBeta.Length];
            yield return new Case(EdgeSizes[i], EdgeSizes[j], EdgeSizes[(i + j) % count], transposeA, transposeB, alpha, beta);
        }
    }

    [Test]
    public void EdgeSizesAreExactFloat() => RunAll<float>(EdgeCases());

    [Test]
    public void EdgeSizesAreExactDouble() => RunAll<double>(EdgeCases());

    /// <summary>
    /// The three VAE shapes in all four transpose combinations, each with three of the six (alpha, beta) pairs in turn,
    /// so every shape meets every pair (36 cases).
    /// </summary>
    private static IEnumerable<Case> VaeCases()
    {
        int index = 0;
        foreach (var (m, n, k) in VaeShapes)
        foreach (var (transposeA, transposeB) in Transposes)
        for (int r = 0; r < 3; r++)
        {
            var (alpha, beta) = AlphaBeta[index++ % AlphaBeta.Length];
            yield return new Case(m, n, k, transposeA, transposeB, alpha, beta);
        }
    }

    [Test]
    public void VaeShapesAreExactFloat() => RunAll<float>(VaeCases());

    [Test]
    public void VaeShapesAreExactDouble() => RunAll<double>(VaeCases());

    /// <summary>
    /// Random values in [−1, 1), within the tolerance of the class remarks: the VAE shapes in all four transposes, and
    /// edge shapes past the depth block (k = 257, 300) with alpha and beta ≠ 1.
    /// </summary>
    private static IEnumerable<Case> RandomCases()
    {
        int index = 0;
        foreach (var (m, n, k) in VaeShapes)
        foreach (var (transposeA, transposeB) in Transposes)
        {
            var (alpha, beta) = AlphaBeta[index++ % AlphaBeta.Length];
            yield return new Case(m, n, k, transposeA, transposeB, alpha, beta);
        }
        foreach (var (transposeA, transposeB) in Transposes)
        {
            yield return new Case(17, 33, 257, transposeA, transposeB, -0.5, 0.25);
            yield return new Case(65, 31, 300, transposeA, transposeB, 1, 0);
            yield return new Case(129, 7, 63, transposeA, transposeB, -0.5, 1);
        }
    }

    [Test]
    public void RandomValuesAgreeWithinRoundingFloat() => RunAll<float>(RandomCases(), exact: false);

    [Test]
    public void RandomValuesAgreeWithinRoundingDouble() => RunAll<double>(RandomCases(), exact: false);

    private readonly record struct Case(int M, int N, int K, bool TransposeA, bool TransposeB, double Alpha, double Beta)
    {
        public override string ToString() => $"{M}x{N}x{K}:{(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')} alpha={Alpha} beta={Beta}";
    }

    private void RunAll<T>(IEnumerable<Case> cases, bool exact = true) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 1, count = 0;
        foreach (Case gemmCase in cases)
        {
            if (exact) CheckExact<T>(gemmCase, seed++);
            else CheckRandom<T>(gemmCase, seed++);
            count++;
        }
        TestContext.Out.WriteLine($"{count} cases × {InstructionSets().Length} instruction sets × 2 thread counts");
    }

    private void CheckExact<T>(Case gemmCase, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (m, n, k, transposeA, transposeB, alpha, beta) = gemmCase;
        var random = new Random(seed);
        T[] a = Integers<T>(random, m * k, 4), b = Integers<T>(random, k * n, 4);
        T[] c0 = beta == 0 ? Enumerable.Repeat(T.NaN, m * n).ToArray() : Integers<T>(random, m * n, 8);
        T[] expected = (T[])c0.Clone();
        ReferenceGemm.Multiply(transposeA, transposeB, m, n, k, T.CreateChecked(alpha), a, b, T.CreateChecked(beta), expected);

        foreach (GemmInstructionSet instructionSet in InstructionSets())
        foreach (WorkerPool pool in new[] { One, Two })
        {
            T[] c = Fast(pool, instructionSet, gemmCase, a, b, c0);
            int differing = 0, first = -1;
            for (int i = 0; i < c.Length; i++)
            {
                if (Same(c[i], expected[i])) continue;
                if (differing++ == 0) first = i;
            }
            if (differing == 0) continue;
            Assert.Fail($"{typeof(T).Name} {gemmCase}, {instructionSet} on {pool.ThreadCount} thread(s): {differing} of {c.Length} " +
                        $"elements differ from ReferenceGemm, first C[{first / n},{first % n}] = {c[first]}, expected {expected[first]}");
        }
    }

    private void CheckRandom<T>(Case gemmCase, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (m, n, k, transposeA, transposeB, alpha, beta) = gemmCase;
        var random = new Random(seed);
        T[] a = Uniform<T>(random, m * k), b = Uniform<T>(random, k * n);
        T[] c0 = beta == 0 ? Enumerable.Repeat(T.NaN, m * n).ToArray() : Uniform<T>(random, m * n);
        T[] expected = (T[])c0.Clone();
        ReferenceGemm.Multiply(transposeA, transposeB, m, n, k, T.CreateChecked(alpha), a, b, T.CreateChecked(beta), expected);

        // S = |alpha| Σₚ |a b| + |beta c| per element, in double.
        double epsilon = typeof(T) == typeof(float) ? Math.Pow(2, -24) : Math.Pow(2, -53);
        var tolerance = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double magnitude = 0;
            for (int p = 0; p < k; p++)
                magnitude += Math.Abs(double.CreateChecked(transposeA ? a[p * m + i] : a[i * k + p])
                                      * double.CreateChecked(transposeB ? b[j * k + p] : b[p * n + j]));
            double scaledC = beta == 0 ? 0 : Math.Abs(beta * double.CreateChecked(c0[i * n + j]));
            tolerance[i * n + j] = 2 * (k + 2) * epsilon * (Math.Abs(alpha) * magnitude + scaledC);
        }

        foreach (GemmInstructionSet instructionSet in InstructionSets())
        foreach (WorkerPool pool in new[] { One, Two })
        {
            T[] c = Fast(pool, instructionSet, gemmCase, a, b, c0);
            for (int e = 0; e < c.Length; e++)
            {
                double difference = Math.Abs(double.CreateChecked(c[e]) - double.CreateChecked(expected[e]));
                if (!(difference <= tolerance[e]))
                    Assert.Fail($"{typeof(T).Name} {gemmCase}, {instructionSet} on {pool.ThreadCount} thread(s): C[{e / n},{e % n}] = {c[e]}, " +
                                $"ReferenceGemm {expected[e]}, difference {difference} above {tolerance[e]}");
            }
        }
    }

    private static T[] Fast<T>(WorkerPool pool, GemmInstructionSet instructionSet, Case gemmCase, T[] a, T[] b, T[] c0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] c = (T[])c0.Clone();
        fixed (T* pa = a, pb = b, pc = c)
            PackedGemm.Multiply(pool, instructionSet, gemmCase.TransposeA, gemmCase.TransposeB, gemmCase.M, gemmCase.N, gemmCase.K,
                T.CreateChecked(gemmCase.Alpha), pa, pb, T.CreateChecked(gemmCase.Beta), pc);
        return c;
    }

    // The same bits, except that +0 and −0 are the same: the sign of an exact zero depends on the grouping. With
    // k > KC the fast path adds each depth block's alpha · sum into C, and 2.5 + (−2.5) is +0, while the reference's
    // single sum is 0 and alpha · 0 is −0 for a negative alpha.
    private static bool Same<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>
        => (T.IsZero(x) && T.IsZero(y))
           || MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in x)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in y)));

    // Integers in [−limit, limit].
    private static T[] Integers<T>(Random random, int length, int limit) where T : INumberBase<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(random.Next(-limit, limit + 1));
        return values;
    }

    private static T[] Uniform<T>(Random random, int length) where T : INumberBase<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }
}
