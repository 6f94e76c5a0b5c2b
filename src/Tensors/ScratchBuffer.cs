using System.Numerics;
using ScratchVae.Kernels;

namespace ScratchVae.Tensors;

/// <summary>
/// A temporary device buffer from the device's pool, for the intermediate results inside one operation
/// (a tensor would cost two managed objects per use; this costs none once the pool holds the size).
/// Use it with <c>using var scratch = ScratchBuffer&lt;T&gt;.Rent(device, length);</c> so that it is returned
/// exactly once: it is a struct, so disposing a copy as well hands the buffer back twice, which the pool refuses
/// with an <see cref="InvalidOperationException"/> while it still holds the buffer (not after someone rented it again).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct ScratchBuffer<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Device _device;

    private ScratchBuffer(Device device, DeviceBuffer<T> buffer)
    {
        _device = device;
        Buffer = buffer;
    }

    /// <summary>The buffer (exactly the length asked for; contents undefined until written).</summary>
    public DeviceBuffer<T> Buffer { get; }

    /// <summary>Rents <paramref name="length"/> elements (≥ 0) from <paramref name="device"/>'s pool.</summary>
    public static ScratchBuffer<T> Rent(Device device, int length)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new ScratchBuffer<T>(device, device.Pool.Rent<T>(length));
    }

    /// <summary>Rents <paramref name="length"/> elements and fills them with <paramref name="value"/> (e.g. a one-element constant).</summary>
    public static ScratchBuffer<T> Full(Device device, int length, T value)
    {
        var scratch = Rent(device, length);
        device.Backend.Fill(scratch.Buffer, 0, length, value);
        return scratch;
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_device is not null) _device.Pool.Return(Buffer);
    }
}
