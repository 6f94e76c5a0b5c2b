using System.Numerics;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Host;

// Elementwise maps, binary maps with broadcasting, Axpby and the fused bias + activation.
public sealed unsafe partial class HostBackend
{
    /// <inheritdoc />
    public void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, int length)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("Map", nameof(length), length);
        ArgumentChecks.Buffer(this, "Map", nameof(x), x, length);
        ArgumentChecks.Buffer(this, "Map", nameof(y), y, length);
        int chunks = FlatChunks(length, out int chunkSize);
        Run(new MapJob<T, TOperator>(Pointer(x), Pointer(y), length, chunkSize), chunks);
    }

    private readonly struct MapJob<T, TOperator>(T* x, T* y, int length, int chunkSize) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        public void Run(int index)
        {
            int start = index * chunkSize, count = Math.Min(length - start, chunkSize);
            ElementwiseLoops.Map<T, TOperator>(x + start, y + start, count);
        }
    }

    /// <inheritdoc />
    public void MapBackward<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> dy, DeviceBuffer<T> dx, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        const string primitive = "MapBackward";
        ThrowIfDisposed();
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, length);
        ArgumentChecks.Buffer(this, primitive, nameof(dy), dy, length);
        ArgumentChecks.Buffer(this, primitive, nameof(dx), dx, length);
        int chunks = FlatChunks(length, out int chunkSize);
        Run(new MapBackwardJob<T, TOperator>(Pointer(x), Pointer(y), Pointer(dy), Pointer(dx), length, chunkSize, accumulate), chunks);
    }

    private readonly struct MapBackwardJob<T, TOperator>(T* x, T* y, T* dy, T* dx, int length, int chunkSize, bool accumulate) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        public void Run(int index)
        {
            int start = index * chunkSize, count = Math.Min(length - start, chunkSize);
            ElementwiseLoops.MapBackward<T, TOperator>(x + start, y + start, dy + start, dx + start, count, accumulate);
        }
    }

    /// <inheritdoc />
    public void Zip<T, TOperator>(DeviceBuffer<T> a, DeviceBuffer<T> b, DeviceBuffer<T> c, int rows, int columns, Broadcast broadcast, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        const string primitive = "Zip";
        ThrowIfDisposed();
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(a), a, count);
        ArgumentChecks.Buffer(this, primitive, nameof(b), b, ArgumentChecks.BroadcastLength(broadcast, rows, columns));
        ArgumentChecks.Buffer(this, primitive, nameof(c), c, count);
        if (count == 0) return;
        if (broadcast is Broadcast.None or Broadcast.Scalar)
        {
            // Both are flat: one long loop, whatever the row length.
            int chunks = FlatChunks(count, out int chunkSize);
            Run(new FlatZipJob<T, TOperator>(Pointer(a), Pointer(b), Pointer(c), count, chunkSize, broadcast == Broadcast.Scalar, accumulate), chunks);
        }
        else
        {
            int chunks = RowChunks(rows, columns, out int rowsPerChunk);
            Run(new RowZipJob<T, TOperator>(Pointer(a), Pointer(b), Pointer(c), rows, columns, rowsPerChunk, broadcast == Broadcast.Column, accumulate), chunks);
        }
    }

    private readonly struct FlatZipJob<T, TOperator>(T* a, T* b, T* c, int length, int chunkSize, bool scalar, bool accumulate) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        public void Run(int index)
        {
            int start = index * chunkSize, count = Math.Min(length - start, chunkSize);
            if (scalar) ElementwiseLoops.ZipWithScalar<T, TOperator>(a + start, *b, c + start, count, accumulate);
            else ElementwiseLoops.Zip<T, TOperator>(a + start, b + start, c + start, count, accumulate);
        }
    }

    // Broadcast.Row: b is the same row for every row; Broadcast.Column: b[i] is one value for row i.
    private readonly struct RowZipJob<T, TOperator>(T* a, T* b, T* c, int rows, int columns, int rowsPerChunk, bool perRowScalar, bool accumulate) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        public void Run(int index)
        {
            int end = Math.Min(rows, (index + 1) * rowsPerChunk);
            for (int i = index * rowsPerChunk; i < end; i++)
            {
                long offset = (long)i * columns;
                if (perRowScalar) ElementwiseLoops.ZipWithScalar<T, TOperator>(a + offset, b[i], c + offset, columns, accumulate);
                else ElementwiseLoops.Zip<T, TOperator>(a + offset, b, c + offset, columns, accumulate);
            }
        }
    }

    /// <inheritdoc />
    public void Axpby<T>(T alpha, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("Axpby", nameof(length), length);
        ArgumentChecks.Buffer(this, "Axpby", nameof(x), x, length);
        ArgumentChecks.Buffer(this, "Axpby", nameof(y), y, length);
        int chunks = FlatChunks(length, out int chunkSize);
        Run(new AxpbyJob<T>(alpha, Pointer(x), beta, Pointer(y), length, chunkSize), chunks);
    }

    private readonly struct AxpbyJob<T>(T alpha, T* x, T beta, T* y, int length, int chunkSize) : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int start = index * chunkSize, count = Math.Min(length - start, chunkSize);
            ElementwiseLoops.Axpby(alpha, x + start, beta, y + start, count);
        }
    }

    /// <inheritdoc />
    public void BiasActivation<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> bias, DeviceBuffer<T> y, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        const string primitive = "BiasActivation";
        ThrowIfDisposed();
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(bias), bias, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, count);
        if (count == 0) return;
        int chunks = RowChunks(rows, columns, out int rowsPerChunk);
        Run(new BiasActivationJob<T, TOperator>(Pointer(x), Pointer(bias), Pointer(y), rows, columns, rowsPerChunk), chunks);
    }

    private readonly struct BiasActivationJob<T, TOperator>(T* x, T* bias, T* y, int rows, int columns, int rowsPerChunk) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        public void Run(int index)
        {
            int end = Math.Min(rows, (index + 1) * rowsPerChunk);
            for (int i = index * rowsPerChunk; i < end; i++)
            {
                long offset = (long)i * columns;
                ElementwiseLoops.BiasActivation<T, TOperator>(x + offset, bias, y + offset, columns);
            }
        }
    }
}
