using System.Globalization;
using System.Numerics;
using System.Text;
using ScratchVae.Kernels;

namespace ScratchVae.Tensors;

/// <summary>
/// A shaped, row-major block of float32 (training) or float64 (checking) numbers on one <see cref="Device"/>.
/// Tensors own pooled device buffers: dispose them (or let a scope do it) and the memory is reused.
/// <see cref="Reshape"/> shares the buffer; the buffer goes back to the pool when the last sharer is disposed.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Tensor<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Storage _storage;
    private bool _disposed;

    private Tensor(Storage storage, Shape shape)
    {
        _storage = storage;
        Shape = shape;
    }

    /// <summary>The dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Length;

    /// <summary>The device that holds the data.</summary>
    public Device Device => _storage.Device;

    /// <summary>"float32" or "float64".</summary>
    public static string DType => DTypes.Name<T>();

    /// <summary>True after <see cref="Dispose"/>.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The device buffer (at least <see cref="Length"/> elements). Throws after disposal.</summary>
    public DeviceBuffer<T> Buffer
    {
        get
        {
            ThrowIfDisposed();
            return _storage.Buffer;
        }
    }

    /// <summary>The device's primitives, for code that computes on this tensor.</summary>
    public IBackend Backend => Device.Backend;

    // ---- creation -------------------------------------------------------------------------------

    /// <summary>An uninitialised tensor from the device's pool (the device defaults to <see cref="Device.Host"/>).</summary>
    public static Tensor<T> Empty(Shape shape, Device? device = null)
    {
        DTypes.Check<T>();
        device ??= Device.Host;
        return new Tensor<T>(new Storage(device, device.Pool.Rent<T>(shape.Length)), shape);
    }

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor<T> Full(Shape shape, T value, Device? device = null)
    {
        var tensor = Empty(shape, device);
        tensor.Backend.Fill(tensor.Buffer, 0, tensor.Length, value);
        return tensor;
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor<T> Zeros(Shape shape, Device? device = null) => Full(shape, T.Zero, device);

    /// <summary>A tensor of ones.</summary>
    public static Tensor<T> Ones(Shape shape, Device? device = null) => Full(shape, T.One, device);

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor<T> Scalar(T value, Device? device = null) => Full(Shape.Scalar, value, device);

    /// <summary>Copies <paramref name="data"/> (row-major, exactly shape.Length elements) to a new tensor on <paramref name="device"/>.</summary>
    public static Tensor<T> FromArray(ReadOnlySpan<T> data, Shape shape, Device? device = null)
    {
        if (data.Length != shape.Length)
            throw new ArgumentException($"Tensor.FromArray: {data.Length} values cannot fill shape {shape}, which holds {shape.Length}.", nameof(data));
        var tensor = Empty(shape, device);
        tensor.Backend.Upload(data, tensor.Buffer);
        return tensor;
    }

    /// <summary>Copies a row-major 2-D array to a new matrix tensor.</summary>
    public static Tensor<T> FromArray(T[,] data, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int rows = data.GetLength(0), columns = data.GetLength(1);
        var flat = new T[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                flat[i * columns + j] = data[i, j];
        return FromArray(flat, Shape.Matrix(rows, columns), device);
    }

    /// <summary>Uniform numbers in (0, 1] from the Philox stream (seed, counterOffset); see RandomStreams for the exact mapping.</summary>
    public static Tensor<T> Uniform(Shape shape, ulong seed, ulong counterOffset = 0, Device? device = null)
    {
        var tensor = Empty(shape, device);
        tensor.Backend.UniformFill(tensor.Buffer, 0, tensor.Length, seed, counterOffset);
        return tensor;
    }

    /// <summary>Normal numbers N(mean, std²) from the Philox stream (seed, counterOffset).</summary>
    public static Tensor<T> Normal(Shape shape, ulong seed, ulong counterOffset = 0, double mean = 0, double standardDeviation = 1, Device? device = null)
    {
        var tensor = Empty(shape, device);
        tensor.Backend.NormalFill(tensor.Buffer, 0, tensor.Length, seed, counterOffset, T.CreateChecked(mean), T.CreateChecked(standardDeviation));
        return tensor;
    }

    // ---- reading and moving -------------------------------------------------------------------------

    /// <summary>Copies the elements to a new host array (row-major).</summary>
    public T[] ToArray()
    {
        var result = new T[Length];
        CopyTo(result);
        return result;
    }

    /// <summary>Copies the elements into <paramref name="destination"/>, which must hold exactly <see cref="Length"/>.</summary>
    public void CopyTo(Span<T> destination)
    {
        if (destination.Length != Length)
            throw new ArgumentException($"Tensor.CopyTo: the destination holds {destination.Length} elements but the tensor {Shape} has {Length}.", nameof(destination));
        Backend.Download(Buffer, 0, destination);
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public T Item()
    {
        if (Length != 1) throw new InvalidOperationException($"Tensor.Item needs exactly one element but the tensor has shape {Shape} ({Length} elements).");
        Span<T> value = stackalloc T[1];
        Backend.Download(Buffer, 0, value);
        return value[0];
    }

    /// <summary>A copy on <paramref name="device"/> (a plain copy when it is already there).</summary>
    public Tensor<T> To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (ReferenceEquals(device, Device)) return Clone();
        return FromArray(ToArray(), Shape, device);
    }

    /// <summary>A copy with its own buffer on the same device.</summary>
    public Tensor<T> Clone()
    {
        var copy = Empty(Shape, Device);
        Backend.Copy(Buffer, 0, copy.Buffer, 0, Length);
        return copy;
    }

    /// <summary>A copy converted to another element type (float32 ↔ float64) on the same device.</summary>
    public Tensor<TOther> Cast<TOther>() where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        var values = ToArray();
        var converted = new TOther[values.Length];
        for (int i = 0; i < values.Length; i++) converted[i] = TOther.CreateChecked(values[i]);
        return Tensor<TOther>.FromArray(converted, Shape, Device);
    }

    /// <summary>
    /// The same elements under another shape with the same length; shares the buffer (writes through either
    /// are seen by both). Dispose both; the memory is recycled after the last.
    /// </summary>
    public Tensor<T> Reshape(Shape shape)
    {
        ThrowIfDisposed();
        if (shape.Length != Length)
            throw new ArgumentException($"Reshape: cannot view shape {Shape} ({Length} elements) as {shape} ({shape.Length} elements).", nameof(shape));
        _storage.AddReference();
        return new Tensor<T>(_storage, shape);
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming the tensor when it was disposed.</summary>
    public void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException($"Tensor<{DType}>{Shape}", $"A {DType} tensor of shape {Shape} on '{_storage.Device.Name}' was used after it was disposed.");
    }

    /// <summary>Returns the buffer to the device's pool (after the last tensor sharing it).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _storage.Release();
    }

    /// <summary>Like NumPy: the header, then the values, with the middle of long axes elided.</summary>
    public override string ToString() => ToString(maxPerAxis: 6);

    /// <summary>Formats with at most <paramref name="maxPerAxis"/> values shown per axis (the first and last halves).</summary>
    public string ToString(int maxPerAxis)
    {
        var header = $"Tensor<{DType}>{Shape} on {_storage.Device.Name}";
        if (_disposed) return header + " (disposed)";
        var values = ToArray();
        var text = new StringBuilder(header).Append('\n');
        var dims = Shape.ToArray();
        if (dims.Length == 0)
        {
            text.Append(Format(values[0]));
            return text.ToString();
        }
        AppendAxis(text, values, dims, 0, 0, maxPerAxis);
        return text.ToString();
    }

    private static void AppendAxis(StringBuilder text, T[] values, int[] dims, int axis, int offset, int maxPerAxis)
    {
        int size = dims[axis];
        int stride = 1;
        for (int a = axis + 1; a < dims.Length; a++) stride *= dims[a];
        text.Append('[');
        int half = Math.Max(1, maxPerAxis / 2);
        for (int i = 0; i < size; i++)
        {
            if (size > maxPerAxis && i == half)
            {
                text.Append(axis == dims.Length - 1 ? "..., " : "...,\n" + new string(' ', axis + 1));
                i = size - half - 1;
                continue;
            }
            if (axis == dims.Length - 1) text.Append(Format(values[offset + i]));
            else AppendAxis(text, values, dims, axis + 1, offset + i * stride, maxPerAxis);
            if (i < size - 1) text.Append(axis == dims.Length - 1 ? ", " : ",\n" + new string(' ', axis + 1));
        }
        text.Append(']');
    }

    private static string Format(T value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A pooled buffer shared by a tensor and its reshaped views.</summary>
    private sealed class Storage(Device device, DeviceBuffer<T> buffer)
    {
        private int _references = 1;

        public Device Device { get; } = device;
        public DeviceBuffer<T> Buffer { get; } = buffer;

        public void AddReference() => Interlocked.Increment(ref _references);

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0) Device.Pool.Return(Buffer);
        }
    }
}
