using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// Checks the operands of <see cref="Ops.Conv2d{T}(Var{T}, Var{T}, Var{T}?, int, int)"/> and
/// <see cref="Ops.ConvTranspose2d{T}(Var{T}, Var{T}, Var{T}?, int, int, int)"/> and builds the kernel geometry, with
/// messages that name the operation and every shape involved.
/// </summary>
internal static class ConvolutionShapes
{
    /// <summary>
    /// The geometry of the convolution: for conv2d, from x [N, C, H, W] with w [O, C, KH, KW]; for the transposed
    /// convolution, of the convolution it transposes, from its output y [N, O, P, Q] (P = (H − 1)·S − 2·Pad + KH + A) back to
    /// x [N, I, H, W], with w [I, O, KH, KW].
    /// </summary>
    public static ConvolutionGeometry Geometry(string name, Shape x, Shape weight, Shape? bias, (int Height, int Width) stride,
        (int Height, int Width) padding, bool transposed, (int Height, int Width) outputPadding = default)
    {
        string layout = transposed ? "[in, out, KH, KW]" : "[out, in, KH, KW]";
        if (x.Rank != 4) throw new ArgumentException($"{name}: the input must be 4-D [N, C, H, W] but has shape {x}.");
        if (weight.Rank != 4) throw new ArgumentException($"{name}: the weight must be 4-D {layout} but has shape {weight}.");
        int batch = x[0], channels = x[1], height = x[2], width = x[3];
        int kernelHeight = weight[2], kernelWidth = weight[3];
        int weightIn = transposed ? weight[0] : weight[1], outputChannels = transposed ? weight[1] : weight[0];
        if (weightIn != channels)
            throw new ArgumentException($"{name}: the input {x} has {channels} channels but the weight {weight} ({layout}) expects {weightIn}.");
        if (bias is { } b && (b.Rank != 1 || b[0] != outputChannels))
            throw new ArgumentException($"{name}: the bias must be [{outputChannels}] for the weight {weight} but has shape {b}.");
        if (stride.Height < 1 || stride.Width < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{name}: the stride must be ≥ 1 but is ({stride.Height}, {stride.Width}) (input {x}, weight {weight}).");
        if (padding.Height < 0 || padding.Width < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{name}: the padding must be ≥ 0 but is ({padding.Height}, {padding.Width}) (input {x}, weight {weight}).");
        if (channels < 1 || height < 1 || width < 1 || outputChannels < 1 || kernelHeight < 1 || kernelWidth < 1)
            throw new ArgumentException($"{name}: the input {x} and the weight {weight} must have at least one channel, pixel and tap.");
        if (!transposed)
        {
            long paddedHeight = (long)height + 2L * padding.Height, paddedWidth = (long)width + 2L * padding.Width;
            if (kernelHeight > paddedHeight || kernelWidth > paddedWidth)
                throw new ArgumentException($"{name}: the kernel {kernelHeight}×{kernelWidth} (weight {weight}) is larger than the padded input {paddedHeight}×{paddedWidth} (input {x}, padding ({padding.Height}, {padding.Width})).");
            var geometry = new ConvolutionGeometry(batch, channels, height, width, outputChannels, kernelHeight, kernelWidth, stride.Height, stride.Width, padding.Height, padding.Width);
            geometry.Validate(name);
            return geometry;
        }
        if (outputPadding.Height < 0 || outputPadding.Width < 0 || outputPadding.Height >= stride.Height || outputPadding.Width >= stride.Width)
            throw new ArgumentOutOfRangeException(nameof(outputPadding),
                $"{name}: the output padding must be ≥ 0 and smaller than the stride ({stride.Height}, {stride.Width}) but is ({outputPadding.Height}, {outputPadding.Width}) (input {x}, weight {weight}).");
        long outputHeight = (long)(height - 1) * stride.Height - 2L * padding.Height + kernelHeight + outputPadding.Height;
        long outputWidth = (long)(width - 1) * stride.Width - 2L * padding.Width + kernelWidth + outputPadding.Width;
        if (outputHeight < 1 || outputWidth < 1 || outputHeight > int.MaxValue || outputWidth > int.MaxValue)
            throw new ArgumentException($"{name}: the output would be {outputHeight}×{outputWidth} pixels (input {x}, weight {weight}, stride ({stride.Height}, {stride.Width}), padding ({padding.Height}, {padding.Width})): the padding is too large for the kernel.");
        // The convolution from the output [N, O, P, Q] back to the input [N, I, H, W]; its output size is H again because A < S.
        var transposedGeometry = new ConvolutionGeometry(batch, outputChannels, (int)outputHeight, (int)outputWidth, channels, kernelHeight, kernelWidth,
            stride.Height, stride.Width, padding.Height, padding.Width);
        transposedGeometry.Validate(name);
        if (transposedGeometry.OutputHeight != height || transposedGeometry.OutputWidth != width)
            throw new InvalidOperationException($"{name}: internal error, the transposed geometry {transposedGeometry} does not map back to {x}.");
        return transposedGeometry;
    }
}
