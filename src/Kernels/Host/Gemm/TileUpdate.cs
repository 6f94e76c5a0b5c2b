using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The scalar store for partial tiles: micro-kernels spill their accumulators to a small buffer (<see cref="Scratch{T}"/>) at the edges of C
/// (fewer rows or columns than the register tile) and this writes only the valid part. Edge tiles are a small
/// share of the work, so a plain loop costs little and keeps every kernel free of masked-store special cases.
/// </summary>
internal static unsafe class TileUpdate
{
    [ThreadStatic] private static byte[]? t_scratch;

    /// <summary>
    /// This thread's buffer for one partial tile (2 KiB, room for any kernel's tile: 8 × 32 floats, 16 × 8 doubles, in the
    /// first KiB; FloatKernel512.RunTransposedC computes its tile in the second), pinned and 64-byte aligned.
    /// <para>
    /// Kernels take it before their depth loop, not with a stackalloc after it: a localloc (or any call) after the
    /// loop, while the accumulators are live, counts as clobbering every vector register, and without a profile
    /// (DOTNET_TieredPGO=0 or DOTNET_TieredCompilation=0) the register allocator then kept the accumulators
    /// in stack slots throughout the loop, storing and reloading all of them on every depth step, at a third to a half
    /// of the speed (perf-notes, "The planner's measured rules": scratch before the loop).
    /// </para>
    /// </summary>
    public static T* Scratch<T>() where T : unmanaged
    {
        byte[] scratch = t_scratch ??= GC.AllocateArray<byte>(16 * 16 * sizeof(double) + 64, pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch));
        return (T*)((start + 63) & ~(nint)63);
    }

    /// <summary>
    /// C(i, j) = alpha · tile[i · tileStride + j] + beta · C(i, j) for i &lt; rows, j &lt; columns; C unread when beta is 0.
    /// The rounding is the vector stores' own, fma(acc, alpha, beta · C), so an element gets the same bits whether
    /// it lies in a whole tile or an edge tile, and so whatever register tile the instruction set has.
    /// </summary>
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
                for (int j = 0; j < columns; j++) target[j] = T.FusedMultiplyAdd(source[j], alpha, beta * target[j]);
            }
        }
    }

    /// <summary>
    /// As <see cref="Apply{T}"/> for a tile stored transposed: C(i, j) at c[j · cColumnStride + i] (a GEMM computed as
    /// Cᵀ = op(B)ᵀ · op(A)ᵀ, see <see cref="GemmPlan.TransposedC"/>), with the same rounding.
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static void ApplyTransposed<T>(T* tile, int tileStride, int rows, int columns, T alpha, T beta, T* c, nint cColumnStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < columns; j++)
        {
            T* target = c + j * cColumnStride;
            if (beta == T.Zero)
            {
                for (int i = 0; i < rows; i++) target[i] = alpha * tile[i * tileStride + j];
            }
            else
            {
                for (int i = 0; i < rows; i++) target[i] = T.FusedMultiplyAdd(tile[i * tileStride + j], alpha, beta * target[i]);
            }
        }
    }
}
