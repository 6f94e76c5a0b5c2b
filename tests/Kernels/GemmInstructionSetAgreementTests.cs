using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The host GEMM gives the same bits with the Vector256 kernels (6 × 16 float, 6 × 8 double tiles) and the Vector512
/// ones (8 × 32 float, 16 × 8 double), on one thread or two: every kernel sums an element of C in order of p within
/// the same depth blocks (KC is the same for all) and applies alpha and beta with the same fused rounding in whole
/// and edge tiles. So a model trains to the same losses on AVX2 and AVX-512 machines. (Where the processor lacks
/// AVX-512 the Vector512 kernels run emulated, which is still exact IEEE arithmetic.)
/// </summary>
[TestFixture]
public sealed unsafe class GemmInstructionSetAgreementTests : OneAndTwoWorkers
{
    // The VAE's shapes (k = 784 and 400 span several depth blocks), edges in every direction, and beta ≠ 0.
    private static readonly (int M, int N, int K, bool TransposeA, bool TransposeB, double Alpha, double Beta)[] Cases =
    [
        (128, 400, 784, false, true, 1, 0), (128, 784, 400, false, true, 1, 0), (128, 20, 400, false, true, 1, 0),
        (128, 400, 20, false, true, 1, 0), (128, 784, 400, false, false, 1, 0), (128, 400, 784, false, false, 1, 0),
        (400, 784, 128, true, false, 1, 0), (784, 400, 128, true, false, 1, 0), (20, 400, 128, true, false, 1, 0),
        (257, 257, 600, false, false, 1, 0), (33, 48, 300, true, true, 0.5, -1.5), (127, 33, 600, false, true, -1.5, 1),
        (7, 257, 513, true, false, 2, 0.5), (31, 20, 400, false, false, 1, 1), (1, 1, 1000, false, false, 1, 0),
    ];

    [Test]
    public void FloatVector256AndVector512GiveTheSameBits() => SameBits<float>();

    [Test]
    public void DoubleVector256AndVector512GiveTheSameBits() => SameBits<double>();

    private void SameBits<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = 1;
        foreach (var (m, n, k, transposeA, transposeB, alpha, beta) in Cases)
        {
            var random = new Random(seed++);
            T[] a = Random<T>(random, m * k), b = Random<T>(random, k * n), c0 = Random<T>(random, m * n);
            T[] reference = Multiply(Two, GemmInstructionSet.Vector256, transposeA, transposeB, m, n, k, alpha, a, b, beta, c0);
            string shape = $"{typeof(T).Name} {m}x{n}x{k} tA={transposeA} tB={transposeB} alpha={alpha} beta={beta}";
            foreach (var (pool, instructionSet) in new[] { (One, GemmInstructionSet.Vector512), (Two, GemmInstructionSet.Vector512), (One, GemmInstructionSet.Vector256) })
            {
                T[] c = Multiply(pool, instructionSet, transposeA, transposeB, m, n, k, alpha, a, b, beta, c0);
                int differing = 0, first = -1;
                for (int i = 0; i < c.Length; i++)
                {
                    if (c[i].Equals(reference[i])) continue;
                    if (differing++ == 0) first = i;
                }
                Assert.That(differing, Is.Zero,
                    $"{shape}: {instructionSet} on {pool.ThreadCount} thread(s) differs from Vector256 on 2 in {differing} elements, " +
                    (first < 0 ? "" : $"first C[{first / n},{first % n}] = {c[first]} against {reference[first]}"));
            }
        }
    }

    private static T[] Multiply<T>(WorkerPool pool, GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k,
        double alpha, T[] a, T[] b, double beta, T[] c0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] c = (T[])c0.Clone();
        fixed (T* pa = a, pb = b, pc = c)
            PackedGemm.Multiply(pool, instructionSet, transposeA, transposeB, m, n, k, T.CreateChecked(alpha), pa, pb, T.CreateChecked(beta), pc);
        return c;
    }

    private static T[] Random<T>(Random random, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }
}
