using System.Numerics;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// Host GEMM: C = alpha · op(A) · op(B) + beta · C over contiguous row-major matrices (see IBackend.Gemm).
/// PLACEHOLDER: a straightforward triple loop until the packed, blocked, SIMD version lands.
/// </summary>
public static unsafe class PackedGemm
{
    /// <summary>Computes the GEMM with the pool's threads. Arguments were validated by the caller.</summary>
    public static void Multiply<T>(WorkerPool pool, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            T sum = T.Zero;
            for (int p = 0; p < k; p++)
            {
                T av = transposeA ? a[p * m + i] : a[i * k + p];
                T bv = transposeB ? b[j * k + p] : b[p * n + j];
                sum += av * bv;
            }
            c[i * n + j] = beta == T.Zero ? alpha * sum : alpha * sum + beta * c[i * n + j];
        }
    }
}
