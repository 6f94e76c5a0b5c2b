// Shape legend (NCHW, PyTorch's F.conv_transpose2d): N images, I input channels of H × W, O output channels of P × Q,
// a KH × KW kernel with stride S, padding Pad and output padding A (0 ≤ A < S):
//   x [N, I, H, W], weight w [I, O, KH, KW], bias b [O], y [N, O, P, Q], P = (H − 1)·SH − 2·PadH + KH + AH.
// y is the gradient of a convolution with weight w, from O channels of P × Q to I channels of H × W, taken with
// respect to that convolution's input: the convolution "run backwards", which is what upsamples in a decoder.
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The transposed convolution of PyTorch's <c>F.conv_transpose2d(x, weight, bias, stride, padding, output_padding)</c>:
    /// y[n, o, h, w] = b[o] + Σ over (c, i, j, p, q) with h = p·S − Pad + i, w = q·S − Pad + j of x[n, c, p, q] · w[c, o, i, j].
    /// Every input pixel scatters a weighted copy of the kernel into the output, S pixels apart.
    /// </summary>
    public static Var<T> ConvTranspose2d<T>(Var<T> x, Var<T> weight, Var<T>? bias = null, int stride = 1, int padding = 0, int outputPadding = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ConvTranspose2d(x, weight, bias, (stride, stride), (padding, padding), (outputPadding, outputPadding));

    /// <summary><see cref="ConvTranspose2d{T}(Var{T}, Var{T}, Var{T}?, int, int, int)"/> with sizes per axis (height, width).</summary>
    public static Var<T> ConvTranspose2d<T>(Var<T> x, Var<T> weight, Var<T>? bias, (int Height, int Width) stride, (int Height, int Width) padding,
        (int Height, int Width) outputPadding) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = ConvTranspose2dOperation<T>.OperationName;
        var context = bias is null ? ForwardContext<T>.Begin(name, x, weight) : ForwardContext<T>.Begin(name, x, weight, bias);
        var geometry = ConvolutionShapes.Geometry(name, x.Shape, weight.Shape, bias?.Shape, stride, padding, transposed: true, outputPadding);
        var operation = bias is null ? new ConvTranspose2dOperation<T>(geometry, x, weight) : new ConvTranspose2dOperation<T>(geometry, x, weight, bias);
        // The geometry is that of the convolution this one transposes: its input is our output.
        return context.Run(operation, new Shape(geometry.Batch, geometry.InputChannels, geometry.InputHeight, geometry.InputWidth));
    }
}

/// <summary>
/// y = conv_transpose(x, w) + b, computed as the input gradient of the convolution with <c>geometry</c> (from y's shape
/// to x's). Backward, with G = ∂L/∂y: ∂L/∂x = conv(G, w) (that convolution's forward pass), ∂L/∂w = that convolution's
/// weight gradient with G as its input and x as its output gradient, ∂L/∂b[o] = Σ_n Σ_h Σ_w G[n, o, h, w].
/// </summary>
internal sealed class ConvTranspose2dOperation<T>(ConvolutionGeometry geometry, params Var<T>[] inputs) : Operation<T>(OperationName, inputs)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "conv_transpose2d";

    private int Pixels => geometry.InputHeight * geometry.InputWidth;

    protected override void Forward(Tensor<T> output)
    {
        Backend.Conv2dBackwardInput(geometry, Inputs[0].Value.Buffer, Inputs[1].Value.Buffer, output.Buffer);
        if (Inputs.Count == 3) Backend.AddChannelBias(output.Buffer, Inputs[2].Value.Buffer, geometry.Batch, geometry.InputChannels, Pixels);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> x = Inputs[0], weight = Inputs[1];
        if (GradientTarget(x) is { } xTarget)
        {
            // The convolution primitive overwrites its output, so a gradient that must be added to goes through scratch.
            if (!xTarget.Accumulate) Backend.Conv2d(geometry, outputGradient.Buffer, weight.Value.Buffer, xTarget.Buffer);
            else
            {
                using var scratch = ScratchBuffer<T>.Rent(Device, x.Length);
                Backend.Conv2d(geometry, outputGradient.Buffer, weight.Value.Buffer, scratch.Buffer);
                Backend.Axpby(T.One, scratch.Buffer, T.One, xTarget.Buffer, x.Length);
            }
        }
        if (GradientTarget(weight) is { } weightTarget)
            Backend.Conv2dBackwardWeight(geometry, outputGradient.Buffer, x.Value.Buffer, weightTarget.Buffer, weightTarget.Accumulate);
        if (Inputs.Count == 3 && GradientTarget(Inputs[2]) is { } biasTarget)
            Backend.SumPerChannel(outputGradient.Buffer, geometry.Batch, geometry.InputChannels, Pixels, biasTarget.Buffer, biasTarget.Accumulate);
    }
}
