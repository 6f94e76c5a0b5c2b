// Shape legend: y = scale · x + shift elementwise; x and y have the same shape (any rank).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using AddOperator = ScratchVae.Kernels.Operators.Add;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>y = scale · x + shift with constant scale and shift (what <c>2 * x</c>, <c>x - 1</c> and <c>x / n</c> compile to).</summary>
    public static Var<T> Affine<T>(Var<T> x, double scale, double shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = "affine";
        var context = ForwardContext<T>.Begin(name, x);
        if (!double.IsFinite(scale) || !double.IsFinite(shift))
            throw new ArgumentOutOfRangeException(nameof(scale), $"{name}: scale ({scale}) and shift ({shift}) must be finite (input {x.Shape}).");
        var y = Tensor<T>.Empty(x.Shape, context.Device);
        var backend = context.Backend;
        // y = scale · x
        backend.Axpby(T.CreateChecked(scale), x.Value.Buffer, T.Zero, y.Buffer, y.Length);
        if (shift != 0)
        {
            // y = y + shift, the shift broadcast as a one-element operand.
            using var constant = Tensor<T>.Full(Shape.Scalar, T.CreateChecked(shift), context.Device);
            backend.Zip<T, AddOperator>(y.Buffer, constant.Buffer, y.Buffer, 1, y.Length, Broadcast.Scalar);
        }
        return context.Finish(y, context.RecordsGradient ? new AffineOperation<T>(x, T.CreateChecked(scale)) : null);
    }
}

/// <summary>Backward of y = s · x + t: ∂L/∂x = s · G.</summary>
internal sealed class AffineOperation<T>(Var<T> x, T scale) : Operation<T>("affine", x) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void Backward(Tensor<T> outputGradient)
    {
        if (GradientTarget(Inputs[0]) is { } target)
            Backend.Axpby(scale, outputGradient.Buffer, target.Beta, target.Buffer, outputGradient.Length);
    }
}
