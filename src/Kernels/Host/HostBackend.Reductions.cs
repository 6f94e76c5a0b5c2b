using System.Numerics;
using System.Runtime.InteropServices;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;

namespace ScratchVae.Kernels.Host;

// Sums and maxima. Each result's order of additions depends on the shape only, never on the thread count.
public sealed unsafe partial class HostBackend
{
    /// <summary>Columns per chunk when column sums are split over threads (a multiple of the widest vector block).</summary>
    private const int ColumnsPerChunk = 256;

    /// <summary>The largest number of SumAll partials kept on the stack (4096 × 8 bytes).</summary>
    private const int StackPartials = 4096;

    /// <inheritdoc />
    public void SumOverRows<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SumOverRows";
        ThrowIfDisposed();
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, columns);
        if (columns == 0) return;
        // Each column adds its rows in order 0, 1, 2, … whichever chunk it falls in, so splitting by columns keeps the bits.
        bool split = ThreadCount > 1 && count > ParallelThreshold && columns >= 2 * ColumnsPerChunk;
        var job = new ColumnSumJob<T>(Pointer(x), rows, columns, Pointer(y), split ? ColumnsPerChunk : columns, accumulate);
        Run(job, split ? (columns + ColumnsPerChunk - 1) / ColumnsPerChunk : 1);
    }

    private readonly struct ColumnSumJob<T>(T* x, int rows, int columns, T* y, int columnsPerChunk, bool accumulate) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int first = index * columnsPerChunk;
            ReductionLoops.ColumnSums(x, rows, columns, y, first, Math.Min(columns, first + columnsPerChunk), accumulate);
        }
    }

    /// <inheritdoc />
    public void SumOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SumOverColumns";
        ThrowIfDisposed();
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, rows);
        int chunks = RowChunks(rows, columns, out int rowsPerChunk);
        Run(new RowReductionJob<T>(Pointer(x), rows, columns, Pointer(y), rowsPerChunk, maximum: false, accumulate), chunks);
    }

    /// <inheritdoc />
    public void MaxOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "MaxOverColumns";
        ThrowIfDisposed();
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, rows);
        int chunks = RowChunks(rows, columns, out int rowsPerChunk);
        Run(new RowReductionJob<T>(Pointer(x), rows, columns, Pointer(y), rowsPerChunk, maximum: true, accumulate: false), chunks);
    }

    // One row per output: y[i] (+)= Σⱼ x[i, j], or y[i] = maxⱼ x[i, j].
    private readonly struct RowReductionJob<T>(T* x, int rows, int columns, T* y, int rowsPerChunk, bool maximum, bool accumulate) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int end = Math.Min(rows, (index + 1) * rowsPerChunk);
            for (int i = index * rowsPerChunk; i < end; i++)
            {
                T* row = x + (long)i * columns;
                if (maximum)
                {
                    y[i] = ReductionLoops.Max(row, columns);
                }
                else
                {
                    T sum = ReductionLoops.Sum(row, columns);
                    y[i] = accumulate ? y[i] + sum : sum;
                }
            }
        }
    }

    /// <inheritdoc />
    public void SumAll<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
        => SumEverything("SumAll", x, length, y, accumulate, squares: false);

    /// <inheritdoc />
    public void SumOfSquares<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
        => SumEverything("SumOfSquares", x, length, y, accumulate, squares: true);

    /// <summary>y[0] (+)= Σᵢ x[i], or Σᵢ x[i]² when <paramref name="squares"/>: SumAll and SumOfSquares in one order.</summary>
    private void SumEverything<T>(string primitive, DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate, bool squares)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, 1);
        T* data = Pointer(x);
        // Σ = ((p₀ + p₁) + p₂) + …, pₖ the sum of elements [k·C, (k+1)·C) with C = ChunkElements: the same
        // additions in the same order whether the partials come from one thread or several.
        int chunks = (int)(((long)length + ChunkElements - 1) / ChunkElements);
        T total;
        if (chunks <= 1)
        {
            total = PartialSum(data, length, squares);
        }
        else if (ThreadCount == 1 || length <= ParallelThreshold)
        {
            total = PartialSum(data, ChunkElements, squares);
            for (int k = 1; k < chunks; k++)
                total += PartialSum(data + (long)k * ChunkElements, Math.Min(ChunkElements, length - k * ChunkElements), squares);
        }
        else
        {
            T* heapPartials = chunks > StackPartials ? (T*)NativeMemory.Alloc((nuint)chunks, (nuint)sizeof(T)) : null;
            try
            {
                T* stackPartials = stackalloc T[heapPartials == null ? chunks : 1];
                T* partials = heapPartials != null ? heapPartials : stackPartials;
                Run(new PartialSumJob<T>(data, length, partials, squares), chunks);
                total = partials[0];
                for (int k = 1; k < chunks; k++) total += partials[k];
            }
            finally
            {
                if (heapPartials != null) NativeMemory.Free(heapPartials);
            }
        }
        T* result = Pointer(y);
        *result = accumulate ? *result + total : total;
    }

    /// <summary>Σ x[i] or Σ x[i]² over one chunk.</summary>
    private static T PartialSum<T>(T* x, int length, bool squares) where T : unmanaged, IFloatingPointIeee754<T>
        => squares ? ReductionLoops.SumOfSquares(x, length) : ReductionLoops.Sum(x, length);

    private readonly struct PartialSumJob<T>(T* x, int length, T* partials, bool squares) : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int start = index * ChunkElements;
            partials[index] = PartialSum(x + start, Math.Min(ChunkElements, length - start), squares);
        }
    }
}
