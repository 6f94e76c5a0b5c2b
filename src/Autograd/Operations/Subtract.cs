// Shape legend: c [M, N] = a − b, where one operand is [M, N] and the other [M, N], a row [N] or [1, N],
// a column [M, 1] or a single element (see Broadcasting).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using NegateOperator = ScratchVae.Kernels.Operators.Negate;
using SubtractOperator = ScratchVae.Kernels.Operators.Subtract;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise difference c = a − b, broadcasting a row, a column or a scalar operand.</summary>
    public static Var<T> Subtract<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = "subtract";
        var context = ForwardContext<T>.Begin(name, a, b);
        var layout = Broadcasting.Resolve(name, a.Shape, b.Shape);
        var c = Tensor<T>.Empty(layout.OutputShape, context.Device);
        if (layout.LeftMode == Broadcast.None)
        {
            // c = a − b'
            context.Backend.Zip<T, SubtractOperator>(a.Value.Buffer, b.Value.Buffer, c.Buffer, layout.Rows, layout.Columns, layout.RightMode);
        }
        else
        {
            // c = a' − b = −(b − a'): the primitives broadcast only their second operand; negation is exact.
            context.Backend.Zip<T, SubtractOperator>(b.Value.Buffer, a.Value.Buffer, c.Buffer, layout.Rows, layout.Columns, layout.LeftMode);
            context.Backend.Map<T, NegateOperator>(c.Buffer, c.Buffer, c.Length);
        }
        return context.Finish(c, context.RecordsGradient ? new SubtractOperation<T>(a, b, layout) : null);
    }
}

/// <summary>Backward of c = a − b: ∂L/∂a = reduce(G), ∂L/∂b = −reduce(G).</summary>
internal sealed class SubtractOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : Operation<T>("subtract", a, b) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void Backward(Tensor<T> outputGradient)
    {
        if (GradientTarget(Inputs[0]) is { } ta)
            Broadcasting.ReduceInto(Device, outputGradient.Buffer, layout.Rows, layout.Columns, layout.LeftMode, ta, T.One);
        if (GradientTarget(Inputs[1]) is { } tb)
            Broadcasting.ReduceInto(Device, outputGradient.Buffer, layout.Rows, layout.Columns, layout.RightMode, tb, -T.One);
    }
}
