// Shape legend (NCHW, PyTorch's F.conv2d): N images, C input channels of H × W, O output channels of P × Q,
// a KH × KW kernel with stride S and zero padding Pad:
//   x [N, C, H, W], weight w [O, C, KH, KW], bias b [O], y [N, O, P, Q], P = ⌊(H + 2·PadH − KH) / SH⌋ + 1.
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The 2-D convolution of PyTorch's <c>F.conv2d(x, weight, bias, stride, padding)</c> (cross-correlation, as every deep
    /// learning library computes it): y[n, o, p, q] = b[o] + Σ_c Σ_i Σ_j w[o, c, i, j] · x[n, c, p·S − Pad + i, q·S − Pad + j],
    /// with x read as 0 outside the image.
    /// </summary>
    public static Var<T> Conv2d<T>(Var<T> x, Var<T> weight, Var<T>? bias = null, int stride = 1, int padding = 0) where T : unmanaged, IFloatingPointIeee754<T>
        => Conv2d(x, weight, bias, (stride, stride), (padding, padding));

    /// <summary><see cref="Conv2d{T}(Var{T}, Var{T}, Var{T}?, int, int)"/> with a stride and a padding per axis (height, width).</summary>
    public static Var<T> Conv2d<T>(Var<T> x, Var<T> weight, Var<T>? bias, (int Height, int Width) stride, (int Height, int Width) padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = Conv2dOperation<T>.OperationName;
        var context = bias is null ? ForwardContext<T>.Begin(name, x, weight) : ForwardContext<T>.Begin(name, x, weight, bias);
        var geometry = ConvolutionShapes.Geometry(name, x.Shape, weight.Shape, bias?.Shape, stride, padding, transposed: false);
        var operation = bias is null ? new Conv2dOperation<T>(geometry, x, weight) : new Conv2dOperation<T>(geometry, x, weight, bias);
        return context.Run(operation, new Shape(geometry.Batch, geometry.OutputChannels, geometry.OutputHeight, geometry.OutputWidth));
    }
}

/// <summary>
/// y = conv(x, w) + b. Backward, with G = ∂L/∂y:
/// ∂L/∂x = conv_transpose(G, w) (each input pixel gathers the taps that saw it),
/// ∂L/∂w[o, c, i, j] = Σ_n Σ_p Σ_q G[n, o, p, q] · x[n, c, p·S − Pad + i, q·S − Pad + j],
/// ∂L/∂b[o] = Σ_n Σ_p Σ_q G[n, o, p, q].
/// </summary>
internal sealed class Conv2dOperation<T>(ConvolutionGeometry geometry, params Var<T>[] inputs) : Operation<T>(OperationName, inputs)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "conv2d";

    private int Pixels => geometry.OutputHeight * geometry.OutputWidth;

    protected override void Forward(Tensor<T> output)
    {
        Backend.Conv2d(geometry, Inputs[0].Value.Buffer, Inputs[1].Value.Buffer, output.Buffer);
        // y[n, o, ·] += b[o]
        if (Inputs.Count == 3) Backend.AddChannelBias(output.Buffer, Inputs[2].Value.Buffer, geometry.Batch, geometry.OutputChannels, Pixels);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> x = Inputs[0], weight = Inputs[1];
        if (GradientTarget(x) is { } xTarget)
            Backend.Conv2dBackwardInput(geometry, outputGradient.Buffer, weight.Value.Buffer, xTarget.Buffer, xTarget.Accumulate);
        if (GradientTarget(weight) is { } weightTarget)
            Backend.Conv2dBackwardWeight(geometry, x.Value.Buffer, outputGradient.Buffer, weightTarget.Buffer, weightTarget.Accumulate);
        if (Inputs.Count == 3 && GradientTarget(Inputs[2]) is { } biasTarget)
            Backend.SumPerChannel(outputGradient.Buffer, geometry.Batch, geometry.OutputChannels, Pixels, biasTarget.Buffer, biasTarget.Accumulate);
    }
}
