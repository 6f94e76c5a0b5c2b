using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, int length)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        const string primitive = "Map";
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, length);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int>>(KernelCatalogue.Map, typeof(TOperator));
        int threads = Threads(length);
        launch(_stream, threads, Own(x).View, Own(y).View, length, threads);
    }

    /// <inheritdoc />
    public void MapBackward<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> dy, DeviceBuffer<T> dx, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        const string primitive = "MapBackward";
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, length);
        ArgumentChecks.Buffer(this, primitive, nameof(dy), dy, length);
        ArgumentChecks.Buffer(this, primitive, nameof(dx), dx, length);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int>>(
            KernelCatalogue.MapBackward, typeof(TOperator));
        int threads = Threads(length);
        launch(_stream, threads, Own(x).View, Own(y).View, Own(dy).View, Own(dx).View, length, accumulate ? 1 : 0, threads);
    }

    /// <inheritdoc />
    public void Zip<T, TOperator>(DeviceBuffer<T> a, DeviceBuffer<T> b, DeviceBuffer<T> c, int rows, int columns, Broadcast broadcast, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        const string primitive = "Zip";
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(a), a, count);
        ArgumentChecks.Buffer(this, primitive, nameof(b), b, ArgumentChecks.BroadcastLength(broadcast, rows, columns));
        ArgumentChecks.Buffer(this, primitive, nameof(c), c, count);
        if (count == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int, int, int>>(
            KernelCatalogue.Zip, typeof(TOperator));
        int threads = Threads(count);
        launch(_stream, threads, Own(a).View, Own(b).View, Own(c).View, rows, columns, (int)broadcast, accumulate ? 1 : 0, threads);
    }

    /// <inheritdoc />
    public void Axpby<T>(T alpha, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Axpby";
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, length);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, T, ArrayView<T>, T, ArrayView<T>, int, int>>(KernelCatalogue.Axpby);
        int threads = Threads(length);
        launch(_stream, threads, alpha, Own(x).View, beta, Own(y).View, length, threads);
    }

    /// <inheritdoc />
    public void BiasActivation<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> bias, DeviceBuffer<T> y, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        const string primitive = "BiasActivation";
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(bias), bias, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, count);
        if (count == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int>>(
            KernelCatalogue.BiasActivation, typeof(TOperator));
        int threads = Threads(count);
        launch(_stream, threads, Own(x).View, Own(bias).View, Own(y).View, rows, columns, threads);
    }

    /// <inheritdoc />
    public void Fill<T>(DeviceBuffer<T> x, int offset, int length, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Fill";
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length, offset);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, T, int, int>>(KernelCatalogue.Fill);
        int threads = Threads(length);
        launch(_stream, threads, Own(x).Slice(offset, length), value, length, threads);
    }

    /// <inheritdoc />
    public void Copy<T>(DeviceBuffer<T> source, int sourceOffset, DeviceBuffer<T> destination, int destinationOffset, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Copy";
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(source), source, length, sourceOffset);
        ArgumentChecks.Buffer(this, primitive, nameof(destination), destination, length, destinationOffset);
        if (length == 0) return;
        // A device-to-device memory copy (cuMemcpy / clEnqueueCopyBuffer), ordered on the same stream as the kernels.
        Own(source).Slice(sourceOffset, length).CopyTo(_stream, Own(destination).Slice(destinationOffset, length));
    }

    /// <inheritdoc />
    public void Copy2D<T>(int rows, int columns, DeviceBuffer<T> source, int sourceOffset, int sourceStride,
        DeviceBuffer<T> destination, int destinationOffset, int destinationStride, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Copy2D";
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Size(primitive, nameof(sourceStride), sourceStride);
        // Rows of the destination must not overlap, or parallel writes would race.
        ArgumentChecks.Size(primitive, nameof(destinationStride), destinationStride, rows > 1 ? columns : 0);
        // The last element read or written is at offset + (rows − 1) · stride + columns − 1.
        long sourceSpan = count == 0 ? 0 : (long)(rows - 1) * sourceStride + columns;
        long destinationSpan = count == 0 ? 0 : (long)(rows - 1) * destinationStride + columns;
        ArgumentChecks.Buffer(this, primitive, nameof(source), source, sourceSpan, sourceOffset);
        ArgumentChecks.Buffer(this, primitive, nameof(destination), destination, destinationSpan, destinationOffset);
        if (count == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, int, ArrayView<T>, int, int, int, int, int>>(KernelCatalogue.Copy2D);
        int threads = Threads(count);
        launch(_stream, threads, Own(source).Slice(sourceOffset, sourceSpan), sourceStride, Own(destination).Slice(destinationOffset, destinationSpan),
            destinationStride, rows, columns, accumulate ? 1 : 0, threads);
    }
}
