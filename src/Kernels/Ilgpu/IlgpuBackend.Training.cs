using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace ScratchVae.Kernels.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void BceWithLogits<T>(DeviceBuffer<T> logits, DeviceBuffer<T> targets, int rows, int columns,
        DeviceBuffer<T>? lossPerRow, DeviceBuffer<T>? gradient, T gradientScale, bool accumulateGradient = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "BceWithLogits";
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(logits), logits, count);
        ArgumentChecks.Buffer(this, primitive, nameof(targets), targets, count);
        if (lossPerRow is not null) ArgumentChecks.Buffer(this, primitive, nameof(lossPerRow), lossPerRow, rows);
        if (gradient is not null) ArgumentChecks.Buffer(this, primitive, nameof(gradient), gradient, count);
        if (lossPerRow is not null && rows > 0)
        {
            // Every element's loss in parallel, then one thread per row sums its columns in order (fixed order, no atomics).
            ArrayView<T> losses = Scratch<T>(count);
            var elements = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>>(KernelCatalogue.BceLossElements);
            int threads = Threads(count);
            elements(_stream, threads, Own(logits).View, Own(targets).View, losses, count, threads);
            LaunchSumOverColumns(losses, Own(lossPerRow).View, rows, columns, accumulate: false);
        }
        if (gradient is not null && count > 0)
        {
            var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, T, int, int, int>>(KernelCatalogue.BceGradient);
            int threads = Threads(count);
            launch(_stream, threads, Own(logits).View, Own(targets).View, Own(gradient).View, gradientScale, count, accumulateGradient ? 1 : 0, threads);
        }
    }

    /// <inheritdoc />
    public void AdamUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T> firstMoment, DeviceBuffer<T> secondMoment, int length, AdamSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "AdamUpdate";
        ArgumentChecks.Adam(settings);
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(parameters), parameters, length);
        ArgumentChecks.Buffer(this, primitive, nameof(gradients), gradients, length);
        ArgumentChecks.Buffer(this, primitive, nameof(firstMoment), firstMoment, length);
        ArgumentChecks.Buffer(this, primitive, nameof(secondMoment), secondMoment, length);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamCoefficients<T>, int, int>>(
            KernelCatalogue.AdamUpdate);
        int threads = Threads(length);
        launch(_stream, threads, Own(parameters).View, Own(gradients).View, Own(firstMoment).View, Own(secondMoment).View,
            new AdamCoefficients<T>(settings), length, threads);
    }

    /// <inheritdoc />
    public void SgdUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T>? momentumBuffer, int length, SgdSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SgdUpdate";
        ArgumentChecks.Sgd(settings);
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(parameters), parameters, length);
        ArgumentChecks.Buffer(this, primitive, nameof(gradients), gradients, length);
        ArgumentChecks.MomentumBuffer(this, primitive, momentumBuffer, length, settings.Momentum);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdCoefficients<T>, int, int>>(
            KernelCatalogue.SgdUpdate);
        int threads = Threads(length);
        // A kernel cannot take a null view: without momentum the parameters stand in for the buffer, which is then never touched.
        var momentum = settings.Momentum != 0 ? Own(momentumBuffer!).View : Own(parameters).View;
        launch(_stream, threads, Own(parameters).View, Own(gradients).View, momentum, new SgdCoefficients<T>(settings), length, threads);
    }

    /// <inheritdoc />
    public void UniformFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "UniformFill";
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length, offset);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ulong, ulong, int, int>>(KernelCatalogue.UniformFill);
        int threads = Threads(length);
        launch(_stream, threads, Own(x).Slice(offset, length), seed, counterOffset, length, threads);
    }

    /// <inheritdoc />
    public void NormalFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "NormalFill";
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, length, offset);
        if (length == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ulong, ulong, T, T, int, int>>(KernelCatalogue.NormalFill);
        int threads = Threads(length);
        launch(_stream, threads, Own(x).Slice(offset, length), seed, counterOffset, mean, standardDeviation, length, threads);
    }
}
