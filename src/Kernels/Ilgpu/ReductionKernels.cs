using System.Numerics;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Reductions in a fixed order with no atomics, so the same inputs give the same bits on every run: each output is
/// summed by one thread in increasing index order (grid-stride over outputs, see <see cref="ElementwiseKernels"/>).
/// </summary>
public static class ReductionKernels
{
    /// <summary>y[j] (+)= Σᵢ x[i, j] over a rows × columns matrix, i increasing; one thread per column (reads coalesce across threads).</summary>
    public static void SumOverRows<T>(Index1D thread, ArrayView<T> x, ArrayView<T> y, int rows, int columns, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long column = thread; column < columns; column += stride)
        {
            T sum = T.Zero;
            for (long index = column; index < (long)rows * columns; index += columns) sum += x[index];
            y[column] = accumulate != 0 ? y[column] + sum : sum;
        }
    }

    /// <summary>y[i] (+)= Σⱼ x[i, j] over a rows × columns matrix, j increasing; one thread per row.</summary>
    public static void SumOverColumns<T>(Index1D thread, ArrayView<T> x, ArrayView<T> y, int rows, int columns, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long row = thread; row < rows; row += stride)
        {
            T sum = T.Zero;
            long start = row * columns;
            for (long index = start; index < start + columns; index++) sum += x[index];
            y[row] = accumulate != 0 ? y[row] + sum : sum;
        }
    }

    /// <summary>y[i] = maxⱼ x[i, j] over a rows × columns matrix; −∞ for a row with no columns (the maximum of nothing).</summary>
    public static void MaxOverColumns<T>(Index1D thread, ArrayView<T> x, ArrayView<T> y, int rows, int columns, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long row = thread; row < rows; row += stride)
        {
            T maximum = T.NegativeInfinity;
            long start = row * columns;
            for (long index = start; index < start + columns; index++)
            {
                T value = x[index];
                if (value > maximum) maximum = value;
            }
            y[row] = maximum;
        }
    }

    /// <summary>
    /// First pass of a sum of everything: partials[p] = Σ_q x[p + q · partialCount] (q increasing) for p &lt; partialCount.
    /// Strided rather than contiguous chunks so that neighbouring threads read neighbouring elements; the partial
    /// count depends only on the length, so the order of additions is fixed.
    /// </summary>
    public static void SumAllPartials<T>(Index1D thread, ArrayView<T> x, ArrayView<T> partials, int length, int partialCount, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long partial = thread; partial < partialCount; partial += stride)
        {
            T sum = T.Zero;
            for (long index = partial; index < length; index += partialCount) sum += x[index];
            partials[partial] = sum;
        }
    }

    /// <summary>
    /// First pass of a sum of squares, in <see cref="SumAllPartials{T}"/>'s order: partials[p] = Σ_q x[p + q · partialCount]²
    /// (q increasing) for p &lt; partialCount. <see cref="SumAllFinal{T}"/> adds the partials.
    /// </summary>
    public static void SumOfSquaresPartials<T>(Index1D thread, ArrayView<T> x, ArrayView<T> partials, int length, int partialCount, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long partial = thread; partial < partialCount; partial += stride)
        {
            T sum = T.Zero;
            for (long index = partial; index < length; index += partialCount)
            {
                T value = x[index];
                sum += value * value;
            }
            partials[partial] = sum;
        }
    }

    /// <summary>Second pass: y[0] (+)= Σ_p partials[p], p increasing, by thread 0 alone (launch one thread).</summary>
    public static void SumAllFinal<T>(Index1D thread, ArrayView<T> partials, int partialCount, ArrayView<T> y, int accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (thread != 0) return;
        T sum = T.Zero;
        for (int partial = 0; partial < partialCount; partial++) sum += partials[partial];
        y[0] = accumulate != 0 ? y[0] + sum : sum;
    }
}
