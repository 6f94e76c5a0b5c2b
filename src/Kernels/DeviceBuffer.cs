using System.Numerics;

namespace ScratchVae.Kernels;

/// <summary>
/// A flat, contiguous buffer of <typeparamref name="T"/> owned by one <see cref="IBackend"/>.
/// The Kernels layer knows only buffers, element offsets, lengths and row strides; shapes live in Tensors.
/// </summary>
/// <typeparam name="T">float (training) or double (checking).</typeparam>
public abstract class DeviceBuffer<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the bookkeeping part of a buffer of <paramref name="length"/> elements.</summary>
    protected DeviceBuffer(IBackend backend, int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "A buffer length must be non-negative.");
        DTypes.Check<T>();
        Backend = backend;
        Length = length;
    }

    /// <summary>The backend that allocated this buffer; every primitive checks that its buffers belong to it.</summary>
    public IBackend Backend { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>True once <see cref="Dispose()"/> has run; using the buffer afterwards throws.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming the buffer when it was disposed.</summary>
    public void ThrowIfDisposed()
    {
        if (IsDisposed) throw new ObjectDisposedException(ToString(), $"{ToString()} was used after it was disposed.");
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the underlying memory exactly once.</summary>
    protected abstract void Release();

    /// <inheritdoc />
    public override string ToString() => $"{Backend.Name} buffer<{DTypes.Name<T>()}>[{Length}]";
}
