using System.Numerics;
using ScratchVae.Kernels;

namespace ScratchVae.Tensors;

/// <summary>
/// Recycles device buffers by element type and length, so that a training step, which needs the same
/// intermediate sizes every time, stops allocating device memory after its first iteration.
/// The counters let tests assert that steady state.
/// </summary>
public sealed class BufferPool : IDisposable
{
    private readonly IBackend _backend;
    private readonly Dictionary<(Type Type, int Length), Stack<object>> _free = new();
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Creates an empty pool over <paramref name="backend"/>.</summary>
    public BufferPool(IBackend backend) => _backend = backend;

    /// <summary>How many times the pool had to ask the device for new memory.</summary>
    public long DeviceAllocations { get; private set; }

    /// <summary>How many buffers were handed out, recycled or new.</summary>
    public long Rentals { get; private set; }

    /// <summary>Bytes currently handed out to tensors.</summary>
    public long BytesInUse { get; private set; }

    /// <summary>The largest <see cref="BytesInUse"/> seen.</summary>
    public long PeakBytesInUse { get; private set; }

    /// <summary>Bytes held by the pool for reuse.</summary>
    public long BytesCached { get; private set; }

    /// <summary>Hands out a buffer of exactly <paramref name="length"/> elements (contents undefined).</summary>
    public DeviceBuffer<T> Rent<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long bytes = (long)length * DTypes.SizeOf<T>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Rentals++;
            BytesInUse += bytes;
            PeakBytesInUse = Math.Max(PeakBytesInUse, BytesInUse);
            if (_free.TryGetValue((typeof(T), length), out var stack) && stack.Count > 0)
            {
                BytesCached -= bytes;
                return (DeviceBuffer<T>)stack.Pop();
            }
            DeviceAllocations++;
        }
        return _backend.Allocate<T>(length);
    }

    /// <summary>
    /// Takes a buffer back for reuse. A disposed pool frees it instead. Returning a buffer that the pool already
    /// holds (a second dispose of the same rental) throws, since two later renters would otherwise share it.
    /// </summary>
    public void Return<T>(DeviceBuffer<T> buffer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(buffer);
        long bytes = (long)buffer.Length * DTypes.SizeOf<T>();
        lock (_gate)
        {
            var key = (typeof(T), buffer.Length);
            _free.TryGetValue(key, out var stack);
            if (stack is not null && stack.Contains(buffer))
                throw new InvalidOperationException(
                    $"A {typeof(T).Name} buffer of {buffer.Length} elements was returned to the pool twice " +
                    "(a tensor or ScratchBuffer disposed through two copies?); the pool still holds it once.");
            BytesInUse -= bytes;
            if (!_disposed && !buffer.IsDisposed)
            {
                if (stack is null) _free[key] = stack = new Stack<object>();
                stack.Push(buffer);
                BytesCached += bytes;
                return;
            }
        }
        buffer.Dispose();
    }

    /// <summary>Frees every cached buffer (tensors in use are unaffected).</summary>
    public void Trim()
    {
        List<IDisposable> toFree = [];
        lock (_gate)
        {
            foreach (var stack in _free.Values)
                while (stack.Count > 0) toFree.Add((IDisposable)stack.Pop());
            BytesCached = 0;
        }
        foreach (var buffer in toFree) buffer.Dispose();
    }

    /// <summary>Frees the cache; buffers returned later are freed at once.</summary>
    public void Dispose()
    {
        Trim();
        lock (_gate) _disposed = true;
    }
}
