// Shape legend (NCHW): x [N, C, H, W], weight w [O, C, K, K] (PyTorch's nn.Conv2d layout), bias b [O],
// y [N, O, P, P'] with P = ⌊(H + 2·padding − K) / stride⌋ + 1.
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// A 2-D convolution layer y = conv(x, w) + b, laid out and initialised as PyTorch's <c>nn.Conv2d(in, out, kernel,
/// stride, padding)</c>: parameters <c>weight</c> [out, in, K, K] and <c>bias</c> [out], both uniform in ±1/√fan_in with
/// fan_in = in · K · K (what PyTorch's kaiming_uniform_(a = √5) default comes to).
/// </summary>
public sealed class Conv2d<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the layer with weights drawn by <paramref name="init"/> (weight first, then bias).</summary>
    public Conv2d(int inputChannels, int outputChannels, int kernel, Initializer init, int stride = 1, int padding = 0, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentNullException.ThrowIfNull(init);
        InputChannels = inputChannels;
        OutputChannels = outputChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        double bound = 1 / Math.Sqrt(inputChannels * kernel * kernel);
        Weight = AddParameter("weight", init.Uniform<T>(new Shape(outputChannels, inputChannels, kernel, kernel), bound));
        if (bias) Bias = AddParameter("bias", init.Uniform<T>(Shape.Vector(outputChannels), bound));
    }

    /// <summary>C, the input channels.</summary>
    public int InputChannels { get; }

    /// <summary>O, the output channels.</summary>
    public int OutputChannels { get; }

    /// <summary>K, the kernel's height and width.</summary>
    public int Kernel { get; }

    /// <summary>The step between output pixels, in input pixels.</summary>
    public int Stride { get; }

    /// <summary>Zero pixels added on every side.</summary>
    public int Padding { get; }

    /// <summary>w [O, C, K, K].</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b [O], or null for a layer built with bias: false.</summary>
    public Parameter<T>? Bias { get; }

    /// <summary>The output height (or width) for an input of <paramref name="size"/> pixels.</summary>
    public int OutputSize(int size) => (size + 2 * Padding - Kernel) / Stride + 1;

    /// <summary>y = conv(x, w) + b.</summary>
    public override Var<T> Forward(Var<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ConvolutionLayerChecks.Input(Summary, input.Shape, InputChannels, Kernel, Padding);
        return Ops.Conv2d(input, Weight, Bias, Stride, Padding);
    }

    /// <inheritdoc />
    protected override string Summary => $"Conv2d({InputChannels} → {OutputChannels}, kernel {Kernel}, stride {Stride}, padding {Padding}{(Bias is null ? ", no bias" : "")})";
}

/// <summary>The input checks both convolution layers share, with messages that name the layer and the shapes.</summary>
internal static class ConvolutionLayerChecks
{
    public static void Input(string layer, Shape input, int channels, int kernel, int padding)
    {
        if (input.Rank != 4) throw new ArgumentException($"{layer}: the input has shape {input} but must be 4-D [N, {channels}, H, W].", nameof(input));
        if (input[1] != channels) throw new ArgumentException($"{layer}: the input has shape {input}, {input[1]} channels, but the layer takes {channels}: [N, {channels}, H, W].", nameof(input));
        if (input[2] + 2L * padding < kernel || input[3] + 2L * padding < kernel)
            throw new ArgumentException($"{layer}: the kernel {kernel}×{kernel} is larger than the padded input {input[2] + 2L * padding}×{input[3] + 2L * padding} (input {input}).", nameof(input));
    }
}
