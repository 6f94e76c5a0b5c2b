using NUnit.Framework;

namespace ScratchVae.Tests.Kernels;

/// <summary>The float64 definition of C = alpha · op(A) · op(B) + beta · C0 that the host GEMM tests check against.</summary>
internal static class GemmReference
{
    /// <summary>Uniform values in [−1, 1).</summary>
    public static float[] Values(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>
    /// Fails unless every element of <paramref name="result"/> (rows 0, rowStep, 2 · rowStep, …) lies within a bound on
    /// the float32 rounding of a k-term dot product of the float64 value. A is m × k (k × m transposed), B k × n (n × k
    /// transposed), all row-major.
    /// </summary>
    public static void AssertMatches(float[] result, float[] a, float[] b, float[] c0, bool transposeA, bool transposeB,
        int m, int n, int k, float alpha, float beta, int rowStep = 1)
    {
        for (int i = 0; i < m; i += rowStep)
        for (int j = 0; j < n; j++)
        {
            double sum = 0, magnitude = 0;
            for (int p = 0; p < k; p++)
            {
                double product = (double)(transposeA ? a[p * m + i] : a[i * k + p]) * (transposeB ? b[j * k + p] : b[p * n + j]);
                sum += product;
                magnitude += Math.Abs(product);
            }
            double expected = alpha * sum + beta * c0[i * n + j];
            double bound = 4 * (k + 2) * Math.Pow(2, -24) * (Math.Abs(alpha) * magnitude + Math.Abs(beta * c0[i * n + j]));
            if (!(Math.Abs(result[i * n + j] - expected) <= bound))
                Assert.Fail($"{m}x{n}x{k}: C[{i},{j}] = {result[i * n + j]}, expected {expected} ± {bound} (alpha {alpha}, beta {beta})");
        }
    }
}
