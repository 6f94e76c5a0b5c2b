using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The scalar store for partial tiles: micro-kernels spill their accumulators to a small buffer at the edges of C
/// (fewer rows or columns than the register tile) and this writes only the valid part. Edge tiles are a small
/// share of the work, so a plain loop costs little and keeps every kernel free of masked-store special cases.
/// </summary>
internal static unsafe class TileUpdate
{
    /// <summary>C(i, j) = alpha · tile[i · tileStride + j] + beta · C(i, j) for i &lt; rows, j &lt; columns; C unread when beta is 0.</summary>
    [MethodImpl(HotLoop.Options)]
    public static void Apply<T>(T* tile, int tileStride, int rows, int columns, T alpha, T beta, T* c, nint cRowStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            T* source = tile + i * tileStride;
            T* target = c + i * cRowStride;
            if (beta == T.Zero)
            {
                for (int j = 0; j < columns; j++) target[j] = alpha * source[j];
            }
            else
            {
                for (int j = 0; j < columns; j++) target[j] = alpha * source[j] + beta * target[j];
            }
        }
    }
}
