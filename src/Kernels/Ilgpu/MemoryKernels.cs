using System.Numerics;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>Fill and strided copy kernels (grid-stride, see <see cref="ElementwiseKernels"/>). Contiguous copies use ILGPU's own copy.</summary>
public static class MemoryKernels
{
    /// <summary>x[i] = value for i &lt; length.</summary>
    public static void Fill<T>(Index1D thread, ArrayView<T> x, T value, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long i = thread; i < length; i += stride) x[i] = value;
    }

    /// <summary>
    /// destination[r · destinationStride + j] (+)= source[r · sourceStride + j] for r &lt; rows, j &lt; columns;
    /// adds when <paramref name="accumulate"/> is 1. The views start at the callers' offsets.
    /// </summary>
    public static void Copy2D<T>(Index1D thread, ArrayView<T> source, int sourceStride, ArrayView<T> destination, int destinationStride,
        int rows, int columns, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = (long)rows * columns;
        for (long i = thread; i < count; i += stride)
        {
            long row = i / columns, column = i % columns;
            T value = source[row * sourceStride + column];
            long target = row * destinationStride + column;
            destination[target] = accumulate != 0 ? destination[target] + value : value;
        }
    }
}
