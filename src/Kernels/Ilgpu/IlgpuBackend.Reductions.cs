using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace ScratchVae.Kernels.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <summary>The most partial sums the first pass of SumAll and SumOfSquares produces (the second pass adds them on one thread).</summary>
    internal const int MaximumPartialSums = 4096;

    /// <summary>Elements per partial sum of SumAll and SumOfSquares before the partial count reaches its maximum.</summary>
    internal const int ElementsPerPartialSum = 256;

    /// <inheritdoc />
    public void SumOverRows<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SumOverRows";
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, columns);
        if (columns == 0) return;
        // rows = 0 still runs: every y[j] becomes the empty sum 0 (or stays, when accumulating).
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int, int, int>>(KernelCatalogue.SumOverRows);
        int threads = Threads(columns);
        launch(_stream, threads, Own(x).View, Own(y).View, rows, columns, accumulate ? 1 : 0, threads);
    }

    /// <inheritdoc />
    public void SumOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SumOverColumns";
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, rows);
        if (rows == 0) return;
        LaunchSumOverColumns(Own(x).View, Own(y).View, rows, columns, accumulate);
    }

    /// <summary>y[i] (+)= Σⱼ x[i, j], j increasing, one thread per row (also for views that are not buffers, e.g. scratch).</summary>
    private void LaunchSumOverColumns<T>(ArrayView<T> x, ArrayView<T> y, int rows, int columns, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int, int, int>>(KernelCatalogue.SumOverColumns);
        int threads = Threads(rows);
        launch(_stream, threads, x, y, rows, columns, accumulate ? 1 : 0, threads);
    }

    /// <inheritdoc />
    public void SumAll<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
        => SumEverything("SumAll", KernelCatalogue.SumAllPartials, x, length, y, accumulate);

    /// <inheritdoc />
    public void SumOfSquares<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
        => SumEverything("SumOfSquares", KernelCatalogue.SumOfSquaresPartials, x, length, y, accumulate);

    /// <summary>
    /// y[0] (+)= the sum of the terms <paramref name="partialsKernel"/> adds (x[i] for SumAll, x[i]² for SumOfSquares),
    /// in one order for both.
    /// </summary>
    private void SumEverything<T>(string primitive, KernelDefinition partialsKernel, DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, 1);
        // Two passes with an order fixed by the length alone: P = min(⌈length / 256⌉, 4096) strided partial sums,
        // then their sum in order on one thread.
        int partialCount = (int)Math.Min(MaximumPartialSums, ((long)length + ElementsPerPartialSum - 1) / ElementsPerPartialSum);
        var partials = Scratch<T>(MaximumPartialSums);
        if (partialCount > 0)
        {
            var first = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int, int>>(partialsKernel);
            int threads = Threads(partialCount);
            first(_stream, threads, Own(x).View, partials, length, partialCount, threads);
        }
        var second = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, int, ArrayView<T>, int>>(KernelCatalogue.SumAllFinal);
        second(_stream, 1, partials, partialCount, Own(y).View, accumulate ? 1 : 0);
    }

    /// <inheritdoc />
    public void MaxOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "MaxOverColumns";
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, rows);
        if (rows == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int, int>>(KernelCatalogue.MaxOverColumns);
        int threads = Threads(rows);
        launch(_stream, threads, Own(x).View, Own(y).View, rows, columns, threads);
    }
}
