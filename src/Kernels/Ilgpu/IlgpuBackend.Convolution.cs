using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace ScratchVae.Kernels.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void Conv2d<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> weight, DeviceBuffer<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2d";
        geometry.Validate(primitive);
        ArgumentChecks.Buffer(this, primitive, nameof(input), input, geometry.InputLength);
        ArgumentChecks.Buffer(this, primitive, nameof(weight), weight, geometry.WeightLength);
        ArgumentChecks.Buffer(this, primitive, nameof(output), output, geometry.OutputLength);
        if (geometry.OutputLength == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvolutionGeometry, int>>(KernelCatalogue.Conv2d);
        int threads = Threads(geometry.OutputLength);
        launch(_stream, threads, Own(input).View, Own(weight).View, Own(output).View, geometry, threads);
    }

    /// <inheritdoc />
    public void Conv2dBackwardInput<T>(ConvolutionGeometry geometry, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weight, DeviceBuffer<T> inputGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2dBackwardInput";
        geometry.Validate(primitive);
        ArgumentChecks.Buffer(this, primitive, nameof(outputGradient), outputGradient, geometry.OutputLength);
        ArgumentChecks.Buffer(this, primitive, nameof(weight), weight, geometry.WeightLength);
        ArgumentChecks.Buffer(this, primitive, nameof(inputGradient), inputGradient, geometry.InputLength);
        if (geometry.InputLength == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvolutionGeometry, int, int>>(KernelCatalogue.Conv2dBackwardInput);
        int threads = Threads(geometry.InputLength);
        launch(_stream, threads, Own(outputGradient).View, Own(weight).View, Own(inputGradient).View, geometry, accumulate ? 1 : 0, threads);
    }

    /// <inheritdoc />
    public void Conv2dBackwardWeight<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weightGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2dBackwardWeight";
        geometry.Validate(primitive);
        ArgumentChecks.Buffer(this, primitive, nameof(input), input, geometry.InputLength);
        ArgumentChecks.Buffer(this, primitive, nameof(outputGradient), outputGradient, geometry.OutputLength);
        ArgumentChecks.Buffer(this, primitive, nameof(weightGradient), weightGradient, geometry.WeightLength);
        // An empty batch still runs: every dw element becomes the empty sum 0 (or stays, when accumulating).
        if (geometry.WeightLength == 0 || (geometry.Batch == 0 && accumulate)) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvolutionGeometry, int, int>>(KernelCatalogue.Conv2dBackwardWeight);
        int threads = Threads(geometry.WeightLength);
        launch(_stream, threads, Own(input).View, Own(outputGradient).View, Own(weightGradient).View, geometry, accumulate ? 1 : 0, threads);
    }

    /// <inheritdoc />
    public void AddChannelBias<T>(DeviceBuffer<T> x, DeviceBuffer<T> bias, int batch, int channels, int pixels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "AddChannelBias";
        int count = ArgumentChecks.ChannelLayout(primitive, batch, channels, pixels);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(bias), bias, channels);
        if (count == 0) return;
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int, int, int>>(KernelCatalogue.AddChannelBias);
        int threads = Threads(count);
        launch(_stream, threads, Own(x).View, Own(bias).View, batch, channels, pixels, threads);
    }

    /// <inheritdoc />
    public void SumPerChannel<T>(DeviceBuffer<T> x, int batch, int channels, int pixels, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SumPerChannel";
        int count = ArgumentChecks.ChannelLayout(primitive, batch, channels, pixels);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, channels);
        if (channels == 0) return;
        // An empty batch or image still runs: every y[c] becomes the empty sum 0 (or stays, when accumulating).
        var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int, int, int, int>>(KernelCatalogue.SumPerChannel);
        int threads = Threads(channels);
        launch(_stream, threads, Own(x).View, Own(y).View, batch, channels, pixels, accumulate ? 1 : 0, threads);
    }
}
