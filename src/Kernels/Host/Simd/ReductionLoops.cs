using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>
/// Sums and maxima over contiguous ranges, each in an order fixed by the length alone (never by thread
/// count or timing), so equal inputs give equal bits on every run.
/// </summary>
internal static unsafe class ReductionLoops
{
    /// <summary>
    /// Σ x[i] for i &lt; length: four vector accumulators take interleaved vectors, a fifth the ragged end
    /// (zero-padded), and the lanes are combined as a fixed tree.
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static T Sum<T>(T* x, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        Vector512<T> sum0 = Vector512<T>.Zero, sum1 = sum0, sum2 = sum0, sum3 = sum0;
        int i = 0;
        for (; i <= length - 4 * width; i += 4 * width)
        {
            sum0 += Vector512.Load(x + i);
            sum1 += Vector512.Load(x + i + width);
            sum2 += Vector512.Load(x + i + 2 * width);
            sum3 += Vector512.Load(x + i + 3 * width);
        }
        for (; i <= length - width; i += width) sum0 += Vector512.Load(x + i);
        if (i < length) sum1 += Lanes.LoadPartial(x + i, length - i, T.Zero);
        return Lanes.Sum((sum0 + sum1) + (sum2 + sum3));
    }

    /// <summary>
    /// Σ x[i]² for i &lt; length, in <see cref="Sum{T}"/>'s order: four vector accumulators take the squares of
    /// interleaved vectors, a fifth those of the ragged end (zero-padded, and 0² adds nothing), combined as a fixed tree.
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static T SumOfSquares<T>(T* x, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        Vector512<T> sum0 = Vector512<T>.Zero, sum1 = sum0, sum2 = sum0, sum3 = sum0;
        int i = 0;
        for (; i <= length - 4 * width; i += 4 * width)
        {
            Vector512<T> x0 = Vector512.Load(x + i), x1 = Vector512.Load(x + i + width);
            Vector512<T> x2 = Vector512.Load(x + i + 2 * width), x3 = Vector512.Load(x + i + 3 * width);
            sum0 += x0 * x0;
            sum1 += x1 * x1;
            sum2 += x2 * x2;
            sum3 += x3 * x3;
        }
        for (; i <= length - width; i += width)
        {
            Vector512<T> x0 = Vector512.Load(x + i);
            sum0 += x0 * x0;
        }
        if (i < length)
        {
            Vector512<T> tail = Lanes.LoadPartial(x + i, length - i, T.Zero);
            sum1 += tail * tail;
        }
        return Lanes.Sum((sum0 + sum1) + (sum2 + sum3));
    }

    /// <summary>max x[i] for i &lt; length; −∞ for an empty range (the identity of max).</summary>
    [MethodImpl(HotLoop.Options)]
    public static T Max<T>(T* x, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        Vector512<T> max0 = Vector512.Create(T.NegativeInfinity), max1 = max0;
        int i = 0;
        for (; i <= length - 2 * width; i += 2 * width)
        {
            max0 = Vector512.Max(max0, Vector512.Load(x + i));
            max1 = Vector512.Max(max1, Vector512.Load(x + i + width));
        }
        for (; i <= length - width; i += width) max0 = Vector512.Max(max0, Vector512.Load(x + i));
        if (i < length) max1 = Vector512.Max(max1, Lanes.LoadPartial(x + i, length - i, T.NegativeInfinity));
        return Lanes.Max(Vector512.Max(max0, max1));
    }

    /// <summary>
    /// Column sums over columns [<paramref name="firstColumn"/>, <paramref name="endColumn"/>) of a rows × columns
    /// matrix: y[j] = Σᵢ x[i, j] (or y[j] += that). Every column, vector lane or scalar, adds its rows in
    /// order 0, 1, 2, …, so the result does not depend on how columns are grouped.
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static void ColumnSums<T>(T* x, int rows, int columns, T* y, int firstColumn, int endColumn, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        int j = firstColumn;
        // Blocks of four vectors: 4 cache lines of each row per pass.
        for (; j <= endColumn - 4 * width; j += 4 * width)
        {
            Vector512<T> sum0 = Vector512<T>.Zero, sum1 = sum0, sum2 = sum0, sum3 = sum0;
            T* row = x + j;
            for (int i = 0; i < rows; i++, row += columns)
            {
                sum0 += Vector512.Load(row);
                sum1 += Vector512.Load(row + width);
                sum2 += Vector512.Load(row + 2 * width);
                sum3 += Vector512.Load(row + 3 * width);
            }
            if (accumulate)
            {
                sum0 += Vector512.Load(y + j);
                sum1 += Vector512.Load(y + j + width);
                sum2 += Vector512.Load(y + j + 2 * width);
                sum3 += Vector512.Load(y + j + 3 * width);
            }
            sum0.Store(y + j);
            sum1.Store(y + j + width);
            sum2.Store(y + j + 2 * width);
            sum3.Store(y + j + 3 * width);
        }
        for (; j <= endColumn - width; j += width)
        {
            Vector512<T> sum = Vector512<T>.Zero;
            T* row = x + j;
            for (int i = 0; i < rows; i++, row += columns) sum += Vector512.Load(row);
            if (accumulate) sum += Vector512.Load(y + j);
            sum.Store(y + j);
        }
        for (; j < endColumn; j++)
        {
            T sum = T.Zero;
            T* row = x + j;
            for (int i = 0; i < rows; i++, row += columns) sum += *row;
            y[j] = accumulate ? sum + y[j] : sum;
        }
    }
}
