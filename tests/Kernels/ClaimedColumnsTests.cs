using NUnit.Framework;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Claimed-columns plans (GemmPlan.ClaimsColumns): the threads claim 32-wide slivers of C, their own range first, then
/// the others' leftovers from the far end. Whoever computes a sliver, each element gets the same multiply-adds in the
/// same order, so the result is the static grid's bits; a part that runs alone (the other threads never start, or
/// their cores are taken) computes every sliver; and the Intel planner uses it for the 1 × 2 grids that read A in place.
/// </summary>
public sealed unsafe class ClaimedColumnsTests
{
    [TestCase(false, false, 128, 784, 400, 2)]
    [TestCase(false, true, 128, 400, 784, 2)]
    [TestCase(false, false, 37, 300, 70, 2)]
    [TestCase(false, true, 13, 85, 270, 3)]
    [TestCase(true, false, 20, 400, 128, 2)]
    public void AClaimedRunGivesTheStaticGridsBits(bool transposeA, bool transposeB, int m, int n, int k, int threads)
    {
        GemmPlan grid = PackedGemm.FloatPlans.Grid(GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, threads, 1, threads, packB: null)
            ?? throw new AssertionException($"no 1 x {threads} grid for {m}x{n}x{k}");
        GemmPlan claimed = grid with { ClaimsColumns = true };
        var random = new Random(m + 3 * n + 7 * k);
        float[] a = GemmReference.Values(random, m * k), b = GemmReference.Values(random, k * n), c0 = GemmReference.Values(random, m * n);
        float[] viaClaims = (float[])c0.Clone(), viaParts = (float[])c0.Clone();
        using var pool = new WorkerPool(threads);
        fixed (float* pa = a, pb = b, c1 = viaClaims, c2 = viaParts)
        {
            BlockedGemm<float, FloatKernel512>.Run(pool, claimed, transposeA, transposeB, m, n, k, 1.25f, pa, pb, 0.5f, c1);
            BlockedGemm<float, FloatKernel512>.Run(pool, grid, transposeA, transposeB, m, n, k, 1.25f, pa, pb, 0.5f, c2);
        }
        Assert.That(viaClaims, Is.EqualTo(viaParts), $"{claimed} against {grid}");
        GemmReference.AssertMatches(viaClaims, a, b, c0, transposeA, transposeB, m, n, k, 1.25f, 0.5f);
    }

    [TestCase(3)]
    [TestCase(2)]
    public void APartThatRunsAloneComputesEverySliver(int parts)
    {
        // As if the other threads never got a core: part 0 runs alone, takes its own range and then all the others'.
        const int m = 24, n = 300, k = 50;
        GemmPlan plan = PackedGemm.FloatPlans.Grid(GemmInstructionSet.Vector512, false, false, m, n, k, parts, 1, parts, packB: null)!.Value
            with { ClaimsColumns = true };
        var random = new Random(parts);
        float[] a = GemmReference.Values(random, m * k), b = GemmReference.Values(random, k * n), c = new float[m * n];
        long[] ranges = new long[parts];
        BlockedGemm<float, FloatKernel512>.SetRanges(ranges, (n + 31) / 32);
        fixed (float* pa = a, pb = b, pc = c)
            BlockedGemm<float, FloatKernel512>.RunClaimed(plan, false, false, m, n, k, 1f, pa, pb, 0f, pc, ranges, 0);
        foreach (long range in ranges) Assert.That((int)(range >> 32), Is.GreaterThanOrEqualTo((int)range), "every range is used up");
        GemmReference.AssertMatches(c, a, b, new float[m * n], false, false, m, n, k, 1f, 0f);
    }

    [Test]
    public void TheRangesCoverEverySliverOnce()
    {
        long[] ranges = new long[3];
        BlockedGemm<float, FloatKernel512>.SetRanges(ranges, 25); // 784 columns: 25 slivers of 32 (the last 16 wide)
        int expectedFirst = 0;
        foreach (long range in ranges)
        {
            int first = (int)(range >> 32), end = (int)range;
            Assert.That(first, Is.EqualTo(expectedFirst));
            Assert.That(end - first, Is.InRange(8, 9));
            expectedFirst = end;
        }
        Assert.That(expectedFirst, Is.EqualTo(25));
    }

    [TestCase(false, false, 128, 400, 784, true)]
    [TestCase(false, false, 128, 784, 400, true)]
    [TestCase(false, true, 128, 400, 784, true)]
    [TestCase(false, true, 128, 784, 400, false)] // the C-transposed plan, a 2 x 1 grid of the swapped product
    [TestCase(true, false, 400, 784, 128, false)] // A packed
    [TestCase(false, false, 1024, 1024, 1024, false)]
    public void TheXeonsPlannerClaimsColumnsWhereAIsReadInPlace(bool transposeA, bool transposeB, int m, int n, int k, bool expected)
    {
        GemmPlan plan = KnownMachines.Plan(KnownMachines.Xeon, GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, 2);
        Assert.That(plan.ClaimsColumns, Is.EqualTo(expected), plan.ToString());
        GemmPlanPropertyTests.AssertCoversEveryElementOnce(plan, m, n, FloatKernel512.Columns, plan.ToString());
    }
}
