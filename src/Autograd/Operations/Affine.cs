// Shape legend: y = scale · x + shift elementwise; x and y have the same shape (any rank).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>y = scale · x + shift with constant scale and shift (what <c>2 * x</c>, <c>x - 1</c> and <c>x / n</c> compile to).</summary>
    public static Var<T> Affine<T>(Var<T> x, double scale, double shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = AffineOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, x);
        if (!double.IsFinite(scale) || !double.IsFinite(shift))
            throw new ArgumentOutOfRangeException(nameof(scale), $"{name}: scale ({scale}) and shift ({shift}) must be finite (input {x.Shape}).");
        return context.Run(new AffineOperation<T>(x, T.CreateChecked(scale), T.CreateChecked(shift)), x.Shape);
    }
}

/// <summary>y = s · x + t; backward: ∂L/∂x = s · G.</summary>
internal sealed class AffineOperation<T>(Var<T> x, T scale, T shift) : Operation<T>(OperationName, x) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "affine";

    protected override void Forward(Tensor<T> output)
    {
        // y = scale · x
        Backend.Axpby(scale, Inputs[0].Value.Buffer, T.Zero, output.Buffer, output.Length);
        if (shift != T.Zero)
        {
            // y = y + shift, the shift broadcast as a one-element operand.
            using var constant = ScratchBuffer<T>.Full(Device, 1, shift);
            Backend.Zip<T, AddOperator>(output.Buffer, constant.Buffer, output.Buffer, 1, output.Length, Broadcast.Scalar);
        }
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        if (GradientTarget(Inputs[0]) is { } target)
            Backend.Axpby(scale, outputGradient.Buffer, target.Beta, target.Buffer, outputGradient.Length);
    }
}
