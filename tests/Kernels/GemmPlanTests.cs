using NUnit.Framework;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Host.Gemm;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The host GEMM planner's rule against handing out large parts one per thread: such a split stalls on a late
/// thread and packs without overlap (measured 20% slower at 128x400x784:NT with cold caches), so every GEMM of
/// the VAE's size gets at least two parts per thread, while small GEMMs, where a part costs less than the split,
/// may still take one. Each plan is the one the named machine's properties give (<see cref="KnownMachines"/>) and is
/// also checked to cover every element of C exactly once.
/// </summary>
public sealed class GemmPlanTests
{
    private const int Threads = 2;

    [TestCase(false, true, 128, 400, 784, TestName = "128x400x784:NT (the first layer's forward)")]
    [TestCase(false, false, 128, 400, 784)]
    [TestCase(false, true, 128, 784, 400)]
    [TestCase(true, false, 400, 784, 128)]
    [TestCase(true, false, 784, 400, 128)]
    [TestCase(true, false, 512, 512, 512)]
    [TestCase(true, false, 1024, 1024, 1024)]
    public void LargeGemmsGetAtLeastTwoPartsPerThread(bool transposeA, bool transposeB, int m, int n, int k)
    {
        GemmPlan plan = Plan(GemmInstructionSet.Vector256, transposeA, transposeB, m, n, k, Threads);
        Assert.That(plan.SharedB, Is.False, plan.ToString());
        Assert.That(plan.Parts, Is.GreaterThanOrEqualTo(2 * Threads), plan.ToString());
    }

    [TestCase(false, false, 128, 128, 128)]
    [TestCase(false, true, 128, 20, 400)]
    [TestCase(true, false, 400, 20, 128)]
    public void SmallGemmsMayTakeOnePartPerThread(bool transposeA, bool transposeB, int m, int n, int k)
    {
        GemmPlan plan = Plan(GemmInstructionSet.Vector256, transposeA, transposeB, m, n, k, Threads);
        Assert.That(plan.SharedB, Is.False, plan.ToString());
        Assert.That(plan.Parts, Is.InRange(1, Threads), plan.ToString());
    }

    // Large GEMMs that pack both operands share each packed block of B between the threads instead (SharedBGemmTests).
    [TestCase(false, false, 512, 512, 512)]
    [TestCase(false, false, 1024, 1024, 1024)]
    public void LargeSquaresShareTheirPackedB(bool transposeA, bool transposeB, int m, int n, int k)
    {
        GemmPlan plan = Plan(GemmInstructionSet.Vector256, transposeA, transposeB, m, n, k, Threads);
        Assert.That(plan.SharedB, Is.True, plan.ToString());
    }

    [Test]
    public void OneThreadGetsOnePart()
    {
        GemmPlan plan = Plan(GemmInstructionSet.Vector256, false, true, 128, 400, 784, threads: 1);
        Assert.That(plan.SharedB, Is.False, plan.ToString());
        Assert.That(plan.Parts, Is.EqualTo(1), plan.ToString());
    }

    // The Vector512 kernel's cost model on the Xeon (two 512-bit FMA pipes, slower L3 streaming, no
    // one-part-per-thread rule; see GemmCostModel.Exceptions): the VAE's large shapes are cut into one part per
    // thread, each packing or streaming its operands once, the grids that made the training step 6% faster there; the
    // large squares too, instead of sharing packed blocks of B (2–8% faster there).
    [TestCase(false, true, 128, 400, 784)]
    [TestCase(false, true, 128, 784, 400)]
    [TestCase(false, false, 128, 400, 784)]
    [TestCase(false, false, 128, 784, 400)]
    [TestCase(true, false, 400, 784, 128)]
    [TestCase(false, false, 512, 512, 512)]
    [TestCase(false, false, 1024, 1024, 1024)]
    public void Vector512OnTheXeonCutsTheLargeVaeGemmsIntoOnePartPerThread(bool transposeA, bool transposeB, int m, int n, int k)
    {
        GemmPlan plan = Plan(GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, Threads, KnownMachines.Xeon);
        Assert.That(plan.SharedB, Is.False, plan.ToString());
        Assert.That(plan.Parts, Is.EqualTo(Threads), plan.ToString());
    }

    // The same cost model packs a transposed A (the TN shapes' activations) and a transposed B (the NT shapes'
    // weights), which the kernel cannot read as vectors, and reads row-major operands in place where the planner's
    // rules allow: A in the NT and NN shapes (it saved the transposing pack: the training step 2% shorter), B in the NN
    // and TN shapes (7% in the GEMM benchmark, level in the training step; perf-notes "v-inplace-b").
    [TestCase(false, false, 128, 400, 784, false, false)]
    [TestCase(false, false, 128, 784, 400, false, false)]
    [TestCase(false, true, 128, 400, 784, false, true)]
    [TestCase(false, true, 128, 784, 400, false, true)]
    [TestCase(true, false, 400, 784, 128, true, false)]
    [TestCase(true, false, 784, 400, 128, true, false)]
    public void Vector512OnTheXeonReadsRowMajorOperandsInPlace(bool transposeA, bool transposeB, int m, int n, int k, bool packA, bool packB)
    {
        GemmPlan plan = Plan(GemmInstructionSet.Vector512, transposeA, transposeB, m, n, k, Threads, KnownMachines.Xeon);
        // Of the product the plan computes (for a C-transposed plan, its A is the original B and its B the original A).
        Assert.That((plan.PackA, plan.PackB), Is.EqualTo((packA, packB)), plan.ToString());
    }

    // The float plan of the kernel on the machine (by default the Zen 3 machine, where the Vector256 rules were
    // measured), after checking that its parts cover C exactly once.
    private static GemmPlan Plan(GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k, int threads,
        MachineProperties? machine = null)
    {
        GemmPlan plan = KnownMachines.Plan(machine ?? KnownMachines.Zen3, instructionSet, transposeA, transposeB, m, n, k, threads);
        int tileColumns = instructionSet == GemmInstructionSet.Vector512 ? FloatKernel512.Columns : Kernel256<float>.Columns;
        GemmPlanPropertyTests.AssertCoversEveryElementOnce(plan, m, n, tileColumns, $"{m}x{n}x{k} on {threads} thread(s): {plan}");
        return plan;
    }
}
