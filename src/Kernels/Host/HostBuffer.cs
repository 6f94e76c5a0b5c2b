using System.Numerics;
using System.Runtime.InteropServices;

namespace ScratchVae.Kernels.Host;

/// <summary>A host buffer in native memory aligned to 64 bytes (one cache line, one Vector512).</summary>
public sealed unsafe class HostBuffer<T> : DeviceBuffer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T* _pointer;

    internal HostBuffer(IBackend backend, int length) : base(backend, length)
    {
        nuint bytes = (nuint)Math.Max(1, length) * (nuint)sizeof(T);
        _pointer = (T*)NativeMemory.AlignedAlloc(bytes, 64);
        GC.AddMemoryPressure((long)bytes);
    }

    /// <summary>The first element; valid until disposal.</summary>
    public T* Pointer
    {
        get
        {
            ThrowIfDisposed();
            return _pointer;
        }
    }

    /// <summary>The elements as a span; valid until disposal.</summary>
    public Span<T> Span => new(Pointer, Length);

    /// <inheritdoc />
    protected override void Release()
    {
        NativeMemory.AlignedFree(_pointer);
        GC.RemoveMemoryPressure((long)Math.Max(1, Length) * sizeof(T));
        _pointer = null;
    }

    /// <summary>Frees native memory a caller forgot to dispose.</summary>
    ~HostBuffer()
    {
        if (_pointer != null) NativeMemory.AlignedFree(_pointer);
    }
}
