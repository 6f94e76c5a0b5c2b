using System.Numerics;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;

namespace ScratchVae.Kernels.Host;

/// <summary>
/// The primitives in plain C# on the CPU: Vector512 loops (native with AVX-512, two Vector256 halves with AVX2),
/// the packed GEMM, and a persistent worker pool for arrays large enough to repay a second thread.
/// <para>
/// Work is split into fixed-size chunks (a number of elements or rows that depends only on the shape), and
/// every reduction adds in an order fixed by the shape, so results are bit-identical from run to run and
/// for any thread count. The steady state allocates nothing: parallel jobs are structs handed to a cached
/// per-thread runner, and reduction partials live on the stack.
/// </para>
/// One caller at a time: primitives run synchronously on the calling thread (plus the pool), so calls from
/// several threads are serialised only where the pool is involved; use one backend per thread otherwise.
/// </summary>
public sealed unsafe partial class HostBackend : IBackend
{
    /// <summary>Arrays up to this many elements run on the calling thread alone; waking a worker costs more than it saves.</summary>
    internal const int ParallelThreshold = 64 * 1024;

    /// <summary>Elements per chunk of a parallel elementwise job (a multiple of every vector width and of 4).</summary>
    internal const int ChunkElements = 16 * 1024;

    private readonly WorkerPool _pool;
    private readonly object _poolGate = new();
    private bool _disposed;

    /// <summary>Creates a host backend that uses <paramref name="threadCount"/> threads (the caller included); ≥ 1.</summary>
    public HostBackend(int threadCount)
    {
        if (threadCount < 1) throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, "The host backend needs at least one thread.");
        _pool = new WorkerPool(threadCount);
        ThreadCount = threadCount;
        Description = $"host: {threadCount} thread{(threadCount == 1 ? "" : "s")}, {SimdDescription()}";
    }

    /// <summary>The number of threads the backend runs on, the caller included.</summary>
    public int ThreadCount { get; }

    /// <inheritdoc />
    public string Name => "host";

    /// <inheritdoc />
    public string Description { get; }

    private static string SimdDescription()
    {
        if (Vector512.IsHardwareAccelerated) return "Vector512 (AVX-512)";
        if (Vector256.IsHardwareAccelerated) return "Vector256 (Vector512 code runs as two halves)";
        if (Vector128.IsHardwareAccelerated) return "Vector128 (Vector512 code runs as four quarters)";
        return "scalar";
    }

    /// <inheritdoc />
    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("Allocate", "length", length);
        return new HostBuffer<T>(this, length);
    }

    /// <inheritdoc />
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, int destinationOffset = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Buffer(this, "Upload", nameof(destination), destination, source.Length, destinationOffset);
        source.CopyTo(new Span<T>(Pointer(destination) + destinationOffset, source.Length));
    }

    /// <inheritdoc />
    public void Download<T>(DeviceBuffer<T> source, int sourceOffset, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Buffer(this, "Download", nameof(source), source, destination.Length, sourceOffset);
        new ReadOnlySpan<T>(Pointer(source) + sourceOffset, destination.Length).CopyTo(destination);
    }

    /// <inheritdoc />
    public void Synchronize() => ThrowIfDisposed(); // every primitive has finished when it returns

    /// <inheritdoc />
    public void Gemm<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Gemm";
        ThrowIfDisposed();
        ArgumentChecks.Size(primitive, "m", m);
        ArgumentChecks.Size(primitive, "n", n);
        ArgumentChecks.Size(primitive, "k", k);
        ArgumentChecks.Buffer(this, primitive, nameof(a), a, (long)m * k);
        ArgumentChecks.Buffer(this, primitive, nameof(b), b, (long)k * n);
        ArgumentChecks.Buffer(this, primitive, nameof(c), c, (long)m * n);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            // An empty product: C = beta · C, and C is not read when beta is 0.
            T* cPointer = Pointer(c);
            if (beta == T.Zero) new Span<T>(cPointer, m * n).Clear();
            else ElementwiseLoops.Axpby(beta, cPointer, T.Zero, cPointer, m * n);
            return;
        }
        lock (_poolGate)
            PackedGemm.Multiply(_pool, transposeA, transposeB, m, n, k, alpha, Pointer(a), Pointer(b), beta, Pointer(c));
    }

    /// <inheritdoc />
    public void Fill<T>(DeviceBuffer<T> x, int offset, int length, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("Fill", "length", length);
        ArgumentChecks.Buffer(this, "Fill", nameof(x), x, length, offset);
        new Span<T>(Pointer(x) + offset, length).Fill(value);
    }

    /// <inheritdoc />
    public void Copy<T>(DeviceBuffer<T> source, int sourceOffset, DeviceBuffer<T> destination, int destinationOffset, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("Copy", "length", length);
        ArgumentChecks.Buffer(this, "Copy", nameof(source), source, length, sourceOffset);
        ArgumentChecks.Buffer(this, "Copy", nameof(destination), destination, length, destinationOffset);
        new ReadOnlySpan<T>(Pointer(source) + sourceOffset, length).CopyTo(new Span<T>(Pointer(destination) + destinationOffset, length));
    }

    /// <inheritdoc />
    public void Copy2D<T>(int rows, int columns, DeviceBuffer<T> source, int sourceOffset, int sourceStride,
        DeviceBuffer<T> destination, int destinationOffset, int destinationStride, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Copy2D";
        ThrowIfDisposed();
        ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Size(primitive, nameof(sourceStride), sourceStride);
        // Destination rows must not overlap, or the result would depend on the order of the row copies.
        if (rows > 1) ArgumentChecks.Size(primitive, nameof(destinationStride), destinationStride, columns);
        else ArgumentChecks.Size(primitive, nameof(destinationStride), destinationStride);
        ArgumentChecks.Buffer(this, primitive, nameof(source), source, StridedExtent(rows, columns, sourceStride), sourceOffset);
        ArgumentChecks.Buffer(this, primitive, nameof(destination), destination, StridedExtent(rows, columns, destinationStride), destinationOffset);
        if (rows == 0 || columns == 0) return;
        int chunks = RowChunks(rows, columns, out int rowsPerChunk);
        Run(new Copy2DJob<T>(Pointer(source) + sourceOffset, sourceStride, Pointer(destination) + destinationOffset, destinationStride,
            rows, columns, rowsPerChunk, accumulate), chunks);
    }

    // The elements spanned by rows of `columns` elements `stride` apart: (rows − 1) · stride + columns.
    private static long StridedExtent(int rows, int columns, int stride)
        => rows == 0 || columns == 0 ? 0 : (long)(rows - 1) * stride + columns;

    private readonly struct Copy2DJob<T>(T* source, int sourceStride, T* destination, int destinationStride, int rows, int columns, int rowsPerChunk, bool accumulate)
        : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int end = Math.Min(rows, (index + 1) * rowsPerChunk);
            for (int i = index * rowsPerChunk; i < end; i++)
            {
                T* from = source + (long)i * sourceStride, to = destination + (long)i * destinationStride;
                if (accumulate) ElementwiseLoops.AddInto(from, to, columns);
                else new ReadOnlySpan<T>(from, columns).CopyTo(new Span<T>(to, columns));
            }
        }
    }

    /// <summary>Stops the worker threads; buffers allocated here must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pool.Dispose();
        _singleThread.Dispose();
        _weightPartials.Dispose();
    }

    // ---- helpers shared by the primitives -------------------------------------------------------

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    // Valid only after ArgumentChecks.Buffer has confirmed that the buffer belongs to this backend.
    private static T* Pointer<T>(DeviceBuffer<T> buffer) where T : unmanaged, IFloatingPointIeee754<T>
        => ((HostBuffer<T>)buffer).Pointer;

    /// <summary>
    /// Splits a flat job of <paramref name="length"/> elements: one chunk of everything when it is too small to
    /// repay a second thread (or there is one thread), else chunks of <see cref="ChunkElements"/>. Returns the chunk count.
    /// <paramref name="relativeCost"/> (a power of two ≤ 1024) is the cost of an element against a simple map's: the
    /// threshold and the chunk shrink by that factor, so that a chunk is about the same time whatever the work.
    /// </summary>
    private int FlatChunks(int length, out int chunkSize, int relativeCost = 1)
    {
        if (ThreadCount == 1 || length <= ParallelThreshold / relativeCost)
        {
            chunkSize = length;
            return length == 0 ? 0 : 1;
        }
        chunkSize = ChunkElements / relativeCost;
        return (int)(((long)length + chunkSize - 1) / chunkSize);
    }

    /// <summary>
    /// Splits a row-wise job over a rows × columns matrix: all rows in one chunk when it is too small to repay a
    /// second thread (or there is one thread), else chunks of about <see cref="ChunkElements"/> elements. Returns the chunk count.
    /// </summary>
    private int RowChunks(int rows, int columns, out int rowsPerChunk)
    {
        if (ThreadCount == 1 || (long)rows * columns <= ParallelThreshold)
        {
            rowsPerChunk = Math.Max(rows, 1);
            return rows == 0 ? 0 : 1;
        }
        rowsPerChunk = Math.Max(1, ChunkElements / Math.Max(1, columns));
        return (rows + rowsPerChunk - 1) / rowsPerChunk;
    }

    /// <summary>
    /// Runs chunks 0 … chunkCount − 1 of <paramref name="job"/>: on the calling thread when there is one chunk
    /// (or one thread), else over the pool.
    /// </summary>
    private void Run<TJob>(in TJob job, int chunkCount) where TJob : struct, IChunkJob
    {
        if (chunkCount == 1 || ThreadCount == 1)
        {
            for (int i = 0; i < chunkCount; i++) job.Run(i);
            return;
        }
        lock (_poolGate) ChunkRunner<TJob>.Run(_pool, chunkCount, job);
    }
}
