// Shape legend (NCHW): x [N, I, H, W], weight w [I, O, K, K] (PyTorch's nn.ConvTranspose2d layout), bias b [O],
// y [N, O, P, P'] with P = (H − 1)·stride − 2·padding + K + outputPadding.
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// A transposed 2-D convolution layer y = conv_transpose(x, w) + b (the upsampling of a convolutional decoder), laid out
/// and initialised as PyTorch's <c>nn.ConvTranspose2d(in, out, kernel, stride, padding, output_padding)</c>: parameters
/// <c>weight</c> [in, out, K, K] and <c>bias</c> [out], uniform in ±1/√fan_in where PyTorch's fan_in is taken from the
/// weight's second axis, out · K · K.
/// </summary>
public sealed class ConvTranspose2d<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the layer with weights drawn by <paramref name="init"/> (weight first, then bias).</summary>
    public ConvTranspose2d(int inputChannels, int outputChannels, int kernel, Initializer init, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding, $"ConvTranspose2d: the output padding must be ≥ 0 and smaller than the stride {stride}.");
        ArgumentNullException.ThrowIfNull(init);
        InputChannels = inputChannels;
        OutputChannels = outputChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        double bound = 1 / Math.Sqrt(outputChannels * kernel * kernel);
        Weight = AddParameter("weight", init.Uniform<T>(new Shape(inputChannels, outputChannels, kernel, kernel), bound));
        if (bias) Bias = AddParameter("bias", init.Uniform<T>(Shape.Vector(outputChannels), bound));
    }

    /// <summary>I, the input channels.</summary>
    public int InputChannels { get; }

    /// <summary>O, the output channels.</summary>
    public int OutputChannels { get; }

    /// <summary>K, the kernel's height and width.</summary>
    public int Kernel { get; }

    /// <summary>The step between the kernel copies in the output, in output pixels.</summary>
    public int Stride { get; }

    /// <summary>Pixels trimmed from every side of the full output.</summary>
    public int Padding { get; }

    /// <summary>Pixels added at the bottom and right (0 ≤ A &lt; stride), to reach sizes a stride leaves ambiguous.</summary>
    public int OutputPadding { get; }

    /// <summary>w [I, O, K, K].</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b [O], or null for a layer built with bias: false.</summary>
    public Parameter<T>? Bias { get; }

    /// <summary>The output height (or width) for an input of <paramref name="size"/> pixels.</summary>
    public int OutputSize(int size) => (size - 1) * Stride - 2 * Padding + Kernel + OutputPadding;

    /// <summary>y = conv_transpose(x, w) + b.</summary>
    public override Var<T> Forward(Var<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Shape.Rank == 4 && input.Shape[1] == InputChannels && (OutputSize(input.Shape[2]) < 1 || OutputSize(input.Shape[3]) < 1))
            throw new ArgumentException($"{Summary}: the input {input.Shape} would give an empty output {OutputSize(input.Shape[2])}×{OutputSize(input.Shape[3])}.", nameof(input));
        ConvolutionLayerChecks.Input(Summary, input.Shape, InputChannels, kernel: 1, padding: 0);
        return Ops.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding);
    }

    /// <inheritdoc />
    protected override string Summary =>
        $"ConvTranspose2d({InputChannels} → {OutputChannels}, kernel {Kernel}, stride {Stride}, padding {Padding}{(OutputPadding == 0 ? "" : $", output padding {OutputPadding}")}{(Bias is null ? ", no bias" : "")})";
}
