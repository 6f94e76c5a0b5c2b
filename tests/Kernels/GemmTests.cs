using System.Numerics;
using NUnit.Framework;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// GEMM on every backend and element type against a float64 triple loop: every transpose combination,
/// square and non-square shapes with sizes that straddle tile edges, alpha/beta, and BLAS's rule that C is
/// not read when beta is 0. The error allowance for each element is relative to Σₚ |α a b| + |β c|.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class GemmTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly (int M, int N, int K)[] SmallShapes =
    [
        (1, 1, 1), (1, 7, 3), (7, 1, 3), (2, 3, 1), (3, 2, 31), (16, 16, 16), (17, 15, 33), (31, 33, 7), (33, 20, 29), (5, 127, 2),
    ];

    // Sizes around the host kernel's tiles and blocks, and the VAE's layer shapes; too slow for the emulator.
    private static readonly (int M, int N, int K)[] LargeShapes =
    [
        (127, 257, 65), (257, 31, 300), (128, 400, 784), (128, 20, 400), (1, 513, 600), (300, 1, 129),
    ];

    [Test]
    public void Gemm_MatchesReference_SmallShapes([Values] bool transposeA, [Values] bool transposeB)
    {
        foreach (var (m, n, k) in SmallShapes) CheckGemm(transposeA, transposeB, m, n, k, alpha: 1.0, beta: 0.0);
    }

    [Test]
    public void Gemm_MatchesReference_LargeShapes([Values] bool transposeA, [Values] bool transposeB)
    {
        if (IsEmulated) Assert.Ignore("Large shapes take minutes on ILGPU's CPU emulator; the small shapes cover its kernels.");
        foreach (var (m, n, k) in LargeShapes) CheckGemm(transposeA, transposeB, m, n, k, alpha: 1.0, beta: 0.0);
    }

    [Test]
    public void Gemm_AlphaAndBeta([Values] bool transposeA, [Values] bool transposeB,
        [Values(1.0, -0.5)] double alpha, [Values(1.0, 0.25)] double beta)
    {
        CheckGemm(transposeA, transposeB, 13, 19, 23, alpha, beta);
        if (!IsEmulated) CheckGemm(transposeA, transposeB, 70, 90, 110, alpha, beta);
    }

    /// <summary>As in BLAS, beta = 0 means C is overwritten without being read, so NaNs in it disappear.</summary>
    [Test]
    public void Gemm_BetaZero_IgnoresNaNsInC([Values] bool transposeA, [Values] bool transposeB)
    {
        const int m = 9, n = 18, k = 5;
        double[] a = Inputs(1, m * k, -1, 1), b = Inputs(2, k * n, -1, 1);
        var c = Filled(m * n, double.NaN);
        Backend.Gemm(transposeA, transposeB, m, n, k, T.CreateTruncating(2.0), Upload(a), Upload(b), T.Zero, c);
        double[] expected = Reference(transposeA, transposeB, m, n, k, 2.0, a, b, 0.0, new double[m * n], out double[] bound);
        NumericAssert.AllWithin(Download(c), expected, Scaled(bound), "C with NaNs and beta = 0");
    }

    /// <summary>k = 0 is an empty sum: C = beta · C.</summary>
    [Test]
    public void Gemm_EmptyInnerDimension_ScalesC()
    {
        double[] before = Inputs(1, 12, -1, 1);
        var c = Upload(before);
        Backend.Gemm(false, false, 3, 4, 0, T.One, Allocate(0), Allocate(0), T.CreateTruncating(0.5), c);
        NumericAssert.AllClose(Download(c), before.Select(v => 0.5 * v).ToArray(), 0, 0, "C after k = 0");
        var cleared = Filled(12, double.NaN);
        Backend.Gemm(false, false, 3, 4, 0, T.One, Allocate(0), Allocate(0), T.Zero, cleared);
        Assert.That(Download(cleared), Is.All.EqualTo(0.0), "k = 0 and beta = 0 give zeros");
    }

    private void CheckGemm(bool transposeA, bool transposeB, int m, int n, int k, double alpha, double beta)
    {
        double[] a = Inputs(m + 3 * n + 7 * k, m * k, -1, 1);
        double[] b = Inputs(m * n + k, k * n, -1, 1);
        double[] c = Inputs(m + n * k, m * n, -1, 1);
        var cBuffer = Upload(c);
        Backend.Gemm(transposeA, transposeB, m, n, k, T.CreateTruncating(alpha), Upload(a), Upload(b), T.CreateTruncating(beta), cBuffer);
        double[] expected = Reference(transposeA, transposeB, m, n, k, alpha, a, b, beta, c, out double[] bound);
        NumericAssert.AllWithin(Download(cBuffer), expected, Scaled(bound),
            $"C = {alpha}·op(A)·op(B) + {beta}·C, transposeA {transposeA}, transposeB {transposeB}, m {m}, n {n}, k {k}");
    }

    // float64 triple loop; bound[i, j] = Σₚ |α a b| + |β c|, the scale of the rounding error of any summation order.
    private static double[] Reference(bool transposeA, bool transposeB, int m, int n, int k, double alpha, double[] a, double[] b,
        double beta, double[] c, out double[] bound)
    {
        var result = new double[m * n];
        bound = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double product = (transposeA ? a[p * m + i] : a[i * k + p]) * (transposeB ? b[j * k + p] : b[p * n + j]);
                    sum += product;
                    magnitude += Math.Abs(product);
                }
                result[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j]);
                bound[i * n + j] = Math.Abs(alpha) * magnitude + Math.Abs(beta * c[i * n + j]);
            }
        return result;
    }

    private static double[] Scaled(double[] bound)
        => bound.Select(value => Tolerance.SumRelativeToAbsoluteSum * value + Tolerance.ElementwiseAbsolute).ToArray();
}
