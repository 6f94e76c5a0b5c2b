using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// GEMMs that the host planner runs with one packed block of B shared by all threads (large shapes whose A is
/// packed; see GemmPlan): the plan is the shared one, the result matches a float64 reference, and it is the same to
/// the bit as on one thread (which never shares: same depth blocks, so the same operations in the same order), in
/// every one of several repetitions, which would catch a thread reading a block of B before it is packed or after
/// the next one overwrites it. The shapes have edges in every direction (partial tiles, blocks and panels).
/// </summary>
public sealed unsafe class SharedBGemmTests
{
    [TestCase(2, false, true, 517, 530, 512, 0.75, 0.5)]
    [TestCase(2, true, true, 530, 530, 520, 1.0, 0.0)]
    [TestCase(2, false, false, 512, 512, 512, -1.5, 1.0)]
    [TestCase(3, true, true, 768, 530, 300, 1.0, 0.0)]
    public void Float(int threads, bool transposeA, bool transposeB, int m, int n, int k, double alpha, double beta)
    {
        // The Zen 3 machine's planner shares B in all of them; another machine's (a larger L2: larger row blocks, so
        // grids that read A in place cost less) may pick a grid instead, so the shared plan runs explicitly there.
        Assert.That(KnownMachines.Plan(KnownMachines.Zen3, GemmInstructionSet.Vector256, transposeA, transposeB, m, n, k, threads).SharedB, Is.True);
        Check<float>(threads, transposeA, transposeB, m, n, k, alpha, beta, forceSharedPlan: alpha == 1 && beta == 0);
    }

    [TestCase(2, false, true, 517, 530, 300, 0.75, 0.5)]
    [TestCase(2, true, true, 517, 530, 384, 1.0, 0.0)]
    [TestCase(3, true, true, 768, 530, 256, 1.0, 0.0)]
    public void Double(int threads, bool transposeA, bool transposeB, int m, int n, int k, double alpha, double beta)
        => Check<double>(threads, transposeA, transposeB, m, n, k, alpha, beta);

    // The Vector512 kernels (8 × 32 float tiles; emulated where the processor lacks AVX-512, so only correctness is measured).
    // With two 512-bit FMA pipes the planner gives these shapes 2 × 1 grids instead (GemmCostModel.Exceptions), so the
    // shared plan is run explicitly: it is still what other AVX-512 processors get.
    [TestCase(false, false, 512, 512, 512)]
    [TestCase(false, true, 520, 530, 512)]
    public void FloatVector512(bool transposeA, bool transposeB, int m, int n, int k)
        => Check<float>(2, transposeA, transposeB, m, n, k, 1.0, 0.0, GemmInstructionSet.Vector512, forceSharedPlan: true);

    [Test]
    public void SmallerGemmsAndTheVaeShapesDoNotShare()
    {
        Assert.That(PackedGemm.FloatPlans.Model(GemmInstructionSet.Vector256, false, false, 256, 256, 256, 2).SharedB, Is.False);
        Assert.That(PackedGemm.FloatPlans.Model(GemmInstructionSet.Vector256, false, true, 128, 400, 784, 2).SharedB, Is.False);
        Assert.That(PackedGemm.FloatPlans.Model(GemmInstructionSet.Vector256, false, false, 1024, 1024, 1024, 1).SharedB, Is.False,
            "one thread has nothing to share");
        Assert.That(PackedGemm.FloatPlans.Model(GemmInstructionSet.Scalar, false, false, 1024, 1024, 1024, 2).SharedB, Is.False,
            "the scalar kernel's 4-wide panels are not whole vectors, so threads could not pack them side by side");
    }

    // forceSharedPlan (float, alpha 1, beta 0 only): run the shared-B plan even where the planner picks another.
    private static void Check<T>(int threads, bool transposeA, bool transposeB, int m, int n, int k, double alphaValue, double betaValue,
        GemmInstructionSet instructionSet = GemmInstructionSet.Vector256, bool forceSharedPlan = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmPlan chosen = typeof(T) == typeof(float) ? PackedGemm.FloatPlans.Model(instructionSet, transposeA, transposeB, m, n, k, threads)
            : BlockedGemm<double, Kernel256<double>>.Plan(transposeA, transposeB, m, n, k, threads);
        Assert.That(typeof(T) == typeof(float) || instructionSet == GemmInstructionSet.Vector256, Is.True, "double runs the Vector256 kernel here");
        bool forced = false;
        if (!chosen.SharedB && forceSharedPlan)
        {
            Assert.That(typeof(T) == typeof(float) && alphaValue == 1 && betaValue == 0, Is.True, "a forced shared plan runs float with alpha 1, beta 0");
            chosen = PackedGemm.FloatPlans.SharedB(instructionSet, m, n, k, threads);
            forced = true;
        }
        Assert.That(chosen.SharedB, Is.True, "the shape no longer gets a shared-B plan; pick one that does");
        int tileColumns = instructionSet == GemmInstructionSet.Vector512 ? FloatKernel512.Columns : 2 * System.Runtime.Intrinsics.Vector256<T>.Count;
        GemmPlanPropertyTests.AssertCoversEveryElementOnce(chosen, m, n, tileColumns, chosen.ToString());
        string plan = chosen.ToString();

        var random = new Random(m + n + k);
        T[] a = Random<T>(random, m * k), b = Random<T>(random, k * n);
        // With beta = 0, C starts as NaN: it must not be read.
        T[] c0 = betaValue == 0 ? Enumerable.Repeat(T.NaN, m * n).ToArray() : Random<T>(random, m * n);
        T alpha = T.CreateChecked(alphaValue), beta = T.CreateChecked(betaValue);

        T[] single = Multiply(1, instructionSet, transposeA, transposeB, m, n, k, alpha, a, b, beta, c0);
        for (int repetition = 0; repetition < 5; repetition++)
        {
            T[] shared = forced
                ? (T[])(object)MultiplySharedPlan(threads, instructionSet, transposeA, transposeB, m, n, k, (float[])(object)a, (float[])(object)b)
                : Multiply(threads, instructionSet, transposeA, transposeB, m, n, k, alpha, a, b, beta, c0);
            for (int i = 0; i < shared.Length; i++)
            {
                if (shared[i] != single[i])
                    Assert.Fail($"{typeof(T).Name} {m}x{n}x{k} on {threads} threads ({plan}), repetition {repetition}: C[{i / n},{i % n}] = {shared[i]}, one thread gives {single[i]}");
            }
        }

        double unit = typeof(T) == typeof(float) ? Math.Pow(2, -24) : Math.Pow(2, -53);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0, magnitude = 0;
            for (int p = 0; p < k; p++)
            {
                double product = double.CreateChecked(transposeA ? a[p * m + i] : a[i * k + p]) * double.CreateChecked(transposeB ? b[j * k + p] : b[p * n + j]);
                sum += product;
                magnitude += Math.Abs(product);
            }
            double before = betaValue == 0 ? 0 : double.CreateChecked(c0[i * n + j]);
            double expected = alphaValue * sum + betaValue * before;
            double bound = 4 * (k + 2) * unit * (Math.Abs(alphaValue) * magnitude + Math.Abs(betaValue * before));
            double actual = double.CreateChecked(single[i * n + j]);
            if (!(Math.Abs(actual - expected) <= bound))
                Assert.Fail($"{typeof(T).Name} {m}x{n}x{k}: C[{i},{j}] = {actual}, expected {expected} ± {bound}");
        }
    }

    private static T[] Multiply<T>(int threads, GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T[] a, T[] b, T beta, T[] c0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] c = (T[])c0.Clone();
        using var pool = new WorkerPool(threads);
        fixed (T* pa = a, pb = b, pc = c)
            PackedGemm.Multiply(pool, instructionSet, transposeA, transposeB, m, n, k, alpha, pa, pb, beta, pc);
        return c;
    }

    private static float[] MultiplySharedPlan(int threads, GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k,
        float[] a, float[] b)
    {
        float[] c = new float[m * n];
        using var pool = new WorkerPool(threads);
        var plan = PackedGemm.FloatPlans.SharedB(instructionSet, m, n, k, threads);
        fixed (float* pa = a, pb = b, pc = c)
            PackedGemm.FloatPlans.Run(pool, instructionSet, plan, transposeA, transposeB, m, n, k, pa, pb, pc);
        return c;
    }

    private static T[] Random<T>(Random random, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }
}
