using NUnit.Framework;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Parts whose columns end on half a register tile (GemmCostModel.HalfTileColumnSplits): two parts of n = 784 on the
/// 32-column Vector512 tile get 400 and 384 columns (12.5 and 12 tiles) instead of 416 and 368, so the larger part
/// does 4% less. The split moves no bits: every element of C gets the same operations in the same order, so the
/// result equals the whole-tile split's and one thread's exactly, and a float64 reference within rounding.
/// </summary>
public sealed unsafe class HalfTileSplitTests
{
    [TestCase(false, true, 128, 784, 400)]
    [TestCase(false, false, 128, 784, 400)]
    [TestCase(false, true, 37, 400, 300)]
    [TestCase(true, false, 67, 272, 300)]
    public void AHalfTileSplitGivesTheBitsOfAWholeTileSplit(bool transposeA, bool transposeB, int m, int n, int k)
    {
        var half = PackedGemm.FloatPlans.Grid(GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, 2, 1, 2, packB: null, halfTileColumns: true);
        var whole = PackedGemm.FloatPlans.Grid(GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, 2, 1, 2, packB: null, halfTileColumns: false);
        var one = PackedGemm.FloatPlans.Grid(GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, 2, 1, 1, packB: null);
        Assert.That(half, Is.Not.Null);
        Assert.That(whole, Is.Not.Null);
        Assert.That(half!.Value.ColumnsPerPart % 32, Is.EqualTo(16), $"the first part ends on half a tile: {half}");
        Assert.That(whole!.Value.ColumnsPerPart % 32, Is.EqualTo(0), whole.ToString());

        var random = new Random(m * 7 + n + k);
        float[] a = GemmReference.Values(random, m * k), b = GemmReference.Values(random, k * n);
        float[] withHalf = Run(half.Value, transposeA, transposeB, m, n, k, a, b);
        float[] withWhole = Run(whole.Value, transposeA, transposeB, m, n, k, a, b);
        float[] withOne = Run(one!.Value, transposeA, transposeB, m, n, k, a, b);
        Assert.That(withHalf, Is.EqualTo(withWhole), "half-tile parts against whole-tile parts");
        Assert.That(withHalf, Is.EqualTo(withOne), "half-tile parts against one part");

        GemmReference.AssertMatches(withHalf, a, b, new float[m * n], transposeA, transposeB, m, n, k, 1f, 0f);
    }

    // On the Xeon the planner uses such splits for the VAE's large m = 128 shapes, and keeps whole tiles where half
    // a tile column is less work than a fork/join (the worker starts later than the caller; measured slower there).
    [TestCase(false, false, 128, 784, 400, 400)]
    [TestCase(false, true, 128, 400, 784, 208)]
    [TestCase(false, false, 128, 400, 784, 208)]
    [TestCase(true, false, 20, 400, 128, 224)]
    public void TheXeonsPlansSplitLargeGemmsAtHalfTiles(bool transposeA, bool transposeB, int m, int n, int k, int columnsPerPart)
    {
        GemmPlan plan = KnownMachines.Plan(KnownMachines.Xeon, GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, 2);
        Assert.That((plan.TransposedC, plan.RowParts, plan.ColumnParts, plan.RowsPerPart, plan.ColumnsPerPart),
            Is.EqualTo((false, 1, 2, (m + 7) / 8 * 8, columnsPerPart)), plan.ToString());
        GemmPlanPropertyTests.AssertCoversEveryElementOnce(plan, m, n, FloatKernel512.Columns, plan.ToString());
    }

    private static float[] Run(GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k, float[] a, float[] b)
    {
        float[] c = new float[m * n];
        using var pool = new WorkerPool(2);
        fixed (float* pa = a, pb = b, pc = c)
            PackedGemm.FloatPlans.Run(pool, GemmInstructionSet.Vector512, plan, transposeA, transposeB, m, n, k, pa, pb, pc);
        return c;
    }
}
