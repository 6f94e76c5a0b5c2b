using System.Numerics;

namespace ScratchVae.Kernels.Host;

public sealed partial class HostBackend
{
    /// <inheritdoc />
    public void Conv2d<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> weight, DeviceBuffer<T> output) where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotImplementedException();

    /// <inheritdoc />
    public void Conv2dBackwardInput<T>(ConvolutionGeometry geometry, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weight, DeviceBuffer<T> inputGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotImplementedException();

    /// <inheritdoc />
    public void Conv2dBackwardWeight<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weightGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotImplementedException();

    /// <inheritdoc />
    public void AddChannelBias<T>(DeviceBuffer<T> x, DeviceBuffer<T> bias, int batch, int channels, int pixels) where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotImplementedException();

    /// <inheritdoc />
    public void SumPerChannel<T>(DeviceBuffer<T> x, int batch, int channels, int pixels, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotImplementedException();
}
