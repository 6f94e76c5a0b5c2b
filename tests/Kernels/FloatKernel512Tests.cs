using NUnit.Framework;
using ScratchVae.Kernels.Host.Gemm;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The 8 × 32 Vector512 micro-kernel reading A in place from a row-major matrix (row stride k, as the planner does for
/// the forward and input-gradient GEMMs on Intel) gives the bits of the same tile from a packed A panel, for the
/// two-vector loop and the one-vector edge variant, with beta 0 and not; and both match a float64 reference.
/// (Emulated where the processor lacks AVX-512.)
/// </summary>
public sealed unsafe class FloatKernel512Tests
{
    [TestCase(32, 200, 0f)]
    [TestCase(32, 37, 0.5f)]
    [TestCase(16, 200, 0f)]
    [TestCase(16, 9, -1f)]
    [TestCase(24, 64, 0f)]
    [TestCase(7, 33, 1f)]
    public void RowStridedAGivesThePackedBits(int columns, int depth, float beta)
    {
        const int rows = 8, stride = 301; // A's row length (k), longer than the depth of this block
        var random = new Random(columns * 1000 + depth);
        float[] a = Values(random, rows * stride);
        float[] b = Values(random, depth * 32);  // a packed B panel: 32 columns per depth step
        float[] c0 = Values(random, rows * 40);   // C with row stride 40
        float[] packedA = new float[depth * rows];
        for (int p = 0; p < depth; p++)
            for (int i = 0; i < rows; i++) packedA[p * rows + i] = a[i * stride + p];

        float[] fromPanel = (float[])c0.Clone(), inPlace = (float[])c0.Clone();
        fixed (float* pa = a, ppanel = packedA, pb = b, c1 = fromPanel, c2 = inPlace)
        {
            FloatKernel512.Run(depth, ppanel, 1, rows, pb, 32, 1.5f, beta, c1, 40, rows, columns);
            FloatKernel512.Run(depth, pa, stride, 1, pb, 32, 1.5f, beta, c2, 40, rows, columns);
        }
        Assert.That(inPlace, Is.EqualTo(fromPanel), "in-place A against the packed panel");

        for (int i = 0; i < rows; i++)
        for (int j = 0; j < 40; j++)
        {
            if (j >= columns)
            {
                Assert.That(inPlace[i * 40 + j], Is.EqualTo(c0[i * 40 + j]), $"C[{i},{j}] outside the tile is untouched");
                continue;
            }
            double sum = 0, magnitude = 0;
            for (int p = 0; p < depth; p++)
            {
                double product = (double)a[i * stride + p] * b[p * 32 + j];
                sum += product;
                magnitude += Math.Abs(product);
            }
            double expected = 1.5 * sum + beta * c0[i * 40 + j];
            double bound = 4 * (depth + 2) * Math.Pow(2, -24) * (1.5 * magnitude + Math.Abs(beta * c0[i * 40 + j]));
            Assert.That(inPlace[i * 40 + j], Is.EqualTo(expected).Within(bound), $"C[{i},{j}]");
        }
    }

    private static float[] Values(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
