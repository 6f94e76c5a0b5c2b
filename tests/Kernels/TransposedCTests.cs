using NUnit.Framework;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// C-transposed plans (GemmPlan.TransposedC): C = A · Bᵀ computed as Cᵀ = B · Aᵀ, the tiles stored transposed into the
/// row-major C. Every element gets the same multiply-adds in the same order as in the direct product, so the results
/// are the direct plan's bits, whole tiles (through the AVX-512 shuffles) and edge tiles (through the scratch tile)
/// alike, with any alpha and beta; the kernel's transposed store gives its row-major store's bits; and the planner
/// picks the transposed product for the decoder's output layer on Intel and nowhere it was measured slower.
/// (Emulated where the processor lacks AVX-512.)
/// </summary>
public sealed unsafe class TransposedCTests
{
    [TestCase(32, 200, 8, 0f)]
    [TestCase(32, 200, 8, 0.5f)]
    [TestCase(32, 37, 5, -1f)]
    [TestCase(16, 64, 8, 0f)]
    [TestCase(16, 9, 8, 2f)]
    [TestCase(24, 64, 8, 0f)]
    [TestCase(7, 33, 3, 1f)]
    public void TheKernelsTransposedStoreGivesTheRowMajorBits(int columns, int depth, int rows, float beta)
    {
        const int stride = 301, cRows = 40, cColumns = 12; // C row-major with row stride 40; its transpose 40 × 12
        var random = new Random(columns * 1000 + depth + rows);
        float[] a = GemmReference.Values(random, 8 * stride);
        float[] b = GemmReference.Values(random, depth * 32);
        float[] c = GemmReference.Values(random, 8 * cRows);
        float[] cTransposed = new float[cRows * cColumns];
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < cRows; j++) cTransposed[j * cColumns + i] = c[i * cRows + j];

        float[] rowMajor = (float[])c.Clone(), transposed = (float[])cTransposed.Clone();
        fixed (float* pa = a, pb = b, c1 = rowMajor, c2 = transposed)
        {
            FloatKernel512.Run(depth, pa, stride, 1, pb, 32, 1.5f, beta, c1, cRows, rows, columns);
            FloatKernel512.RunTransposedC(depth, pa, stride, 1, pb, 32, 1.5f, beta, c2, cColumns, rows, columns);
        }
        for (int i = 0; i < 8; i++)
        for (int j = 0; j < cRows; j++)
        {
            float expected = rowMajor[i * cRows + j], actual = transposed[j * cColumns + i];
            if (BitConverter.SingleToInt32Bits(actual) != BitConverter.SingleToInt32Bits(expected))
                Assert.Fail($"C[{i},{j}]: transposed store {actual}, row-major store {expected} (tile {rows} x {columns})");
        }
        for (int j = 0; j < cRows; j++)
            for (int i = 8; i < cColumns; i++)
                Assert.That(transposed[j * cColumns + i], Is.EqualTo(cTransposed[j * cColumns + i]), $"Cᵀ[{j},{i}] outside the tile is untouched");
    }

    [TestCase(128, 784, 400, 1f, 0f)]
    [TestCase(128, 784, 400, 0.75f, 0.5f)]
    [TestCase(37, 300, 270, 1f, 0f)]
    [TestCase(13, 70, 300, -2f, 1f)]
    [TestCase(1, 33, 257, 1f, 0f)]
    public void ATransposedPlanGivesTheDirectPlansBits(int m, int n, int k, float alpha, float beta)
    {
        var kernel = BlockedGemm<float, FloatKernel512>.Traits with { Model = GemmCostModel.For(KnownMachines.Xeon, 512, sizeof(float)) };
        GemmPlan transposed = GemmPlan.Create(m, n, k, false, true, 2, kernel);
        GemmPlan direct = GemmPlan.Create(m, n, k, false, true, 2, kernel with { SupportsTransposedC = false });
        Assert.That(transposed.TransposedC, Is.True, transposed.ToString());
        Assert.That(direct.TransposedC, Is.False, direct.ToString());

        var random = new Random(m * 31 + n * 7 + k);
        float[] a = GemmReference.Values(random, m * k), b = GemmReference.Values(random, n * k), c0 = GemmReference.Values(random, m * n);
        float[] viaTranspose = (float[])c0.Clone(), viaDirect = (float[])c0.Clone();
        using var pool = new WorkerPool(2);
        fixed (float* pa = a, pb = b, c1 = viaTranspose, c2 = viaDirect)
        {
            BlockedGemm<float, FloatKernel512>.Run(pool, transposed, false, true, m, n, k, alpha, pa, pb, beta, c1);
            BlockedGemm<float, FloatKernel512>.Run(pool, direct, false, true, m, n, k, alpha, pa, pb, beta, c2);
        }
        Assert.That(viaTranspose, Is.EqualTo(viaDirect), $"{m}x{n}x{k}:NT, {transposed} against {direct}");

        GemmReference.AssertMatches(viaTranspose, a, b, c0, false, true, m, n, k, alpha, beta);
    }

    [TestCase(128, 784, 400, 2)]
    [TestCase(37, 300, 270, 2)]
    [TestCase(13, 200, 300, 3)]
    public void ClaimedRowSlicesGiveTheStaticPartsBits(int m, int n, int k, int threads)
    {
        // The transposed product Cᵀ (n × m) in P × 1 parts, static against claimed 64-row slices; then one part alone.
        var kernel = BlockedGemm<float, FloatKernel512>.Traits with { Model = GemmCostModel.For(KnownMachines.Xeon, 512, sizeof(float)) };
        GemmPlan parts = GemmPlan.ForGrid(n, m, k, false, true, threads, kernel, threads, 1)!.Value with { TransposedC = true };
        GemmPlan claimed = parts with { ClaimsRows = true };
        var random = new Random(m + n + k);
        float[] a = GemmReference.Values(random, m * k), b = GemmReference.Values(random, n * k), c0 = GemmReference.Values(random, m * n);
        float[] viaClaims = (float[])c0.Clone(), viaParts = (float[])c0.Clone(), alone = (float[])c0.Clone();
        using var pool = new WorkerPool(threads);
        long[] ranges = new long[threads];
        BlockedGemm<float, FloatKernel512>.SetRanges(ranges, (n + GemmPlan.RowsPerClaim - 1) / GemmPlan.RowsPerClaim);
        fixed (float* pa = a, pb = b, c1 = viaClaims, c2 = viaParts, c3 = alone)
        {
            BlockedGemm<float, FloatKernel512>.Run(pool, claimed, false, true, m, n, k, 0.75f, pa, pb, 0.5f, c1);
            BlockedGemm<float, FloatKernel512>.Run(pool, parts, false, true, m, n, k, 0.75f, pa, pb, 0.5f, c2);
            BlockedGemm<float, FloatKernel512>.RunClaimedRows(claimed, false, true, n, m, k, 0.75f, pb, pa, 0.5f, c3, ranges, 0);
        }
        Assert.That(viaClaims, Is.EqualTo(viaParts), $"{claimed} against {parts}");
        Assert.That(alone, Is.EqualTo(viaParts), "part 0 alone, taking every slice");
        GemmReference.AssertMatches(viaClaims, a, b, c0, false, true, m, n, k, 0.75f, 0.5f);
    }

    // On Intel: the decoder's output layer (each thread would transpose 392 rows of W, now 128 of x) is transposed;
    // 128x400x784:NT (level when measured), the short-depth 128x400x20:NT (20% slower) and other layouts are not.
    [TestCase(false, true, 128, 784, 400, true)]
    [TestCase(false, true, 128, 400, 784, false)]
    [TestCase(false, true, 128, 400, 20, false)]
    [TestCase(false, true, 784, 128, 400, false)]
    [TestCase(false, false, 128, 784, 400, false)]
    [TestCase(true, false, 400, 784, 128, false)]
    public void TheXeonsPlannerTransposesTheDecodersOutputLayer(bool transposeA, bool transposeB, int m, int n, int k, bool expected)
    {
        GemmPlan plan = KnownMachines.Plan(KnownMachines.Xeon, GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, 2);
        Assert.That(plan.TransposedC, Is.EqualTo(expected), plan.ToString());
        if (expected) Assert.That(plan.ClaimsRows, Is.True, $"the transposed plan's parts claim row slices: {plan}");
        GemmPlanPropertyTests.AssertCoversEveryElementOnce(plan, m, n, FloatKernel512.Columns, plan.ToString());
    }

    [Test]
    public void TheZen4FiguresNeverTransposeC()
    {
        GemmPlan plan = KnownMachines.Plan(KnownMachines.Zen4, GemmInstructionSet.Vector512, false, true, 128, 784, 400, 2);
        Assert.That(plan.TransposedC, Is.False, plan.ToString());
    }

    [Test]
    public void ThroughTheBackendTheDecodersOutputLayerMatchesTheDefinition()
    {
        // Whatever plan this processor gets: C = X · Wᵀ (+ beta · C) through HostBackend, against float64.
        const int m = 128, n = 784, k = 400;
        var random = new Random(3);
        float[] x = GemmReference.Values(random, m * k), w = GemmReference.Values(random, n * k), c = GemmReference.Values(random, m * n);
        using var backend = new HostBackend(2);
        using var bx = backend.Allocate<float>(m * k);
        using var bw = backend.Allocate<float>(n * k);
        using var bc = backend.Allocate<float>(m * n);
        backend.Upload<float>(x, bx);
        backend.Upload<float>(w, bw);
        backend.Upload<float>(c, bc);
        backend.Gemm(false, true, m, n, k, 0.5f, bx, bw, 2f, bc);
        float[] result = new float[m * n];
        backend.Download(bc, 0, result);
        GemmReference.AssertMatches(result, x, w, c, false, true, m, n, k, 0.5f, 2f, rowStep: 7);
    }
}
