// Shape legend: c [M, N] = a − b, where one operand is [M, N] and the other [M, N], a row [N] or [1, N],
// a column [M, 1] or a single element (see Broadcasting).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise difference c = a − b, broadcasting a row, a column or a scalar operand.</summary>
    public static Var<T> Subtract<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = SubtractOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, a, b);
        var layout = Broadcasting.Resolve(name, a.Shape, b.Shape);
        return context.Run(new SubtractOperation<T>(a, b, layout), layout.OutputShape);
    }
}

/// <summary>
/// c = a − b, the broadcast operand laid over the output; backward: ∂L/∂a = reduce(G), ∂L/∂b = −reduce(G), where
/// reduce sums G = ∂L/∂c over the axes that operand was broadcast along.
/// </summary>
internal sealed class SubtractOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : Operation<T>(OperationName, a, b) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "subtract";

    protected override void Forward(Tensor<T> output)
    {
        Var<T> a = Inputs[0], b = Inputs[1];
        if (layout.LeftMode == Broadcast.None)
        {
            // c = a − b'
            Backend.Zip<T, SubtractOperator>(a.Value.Buffer, b.Value.Buffer, output.Buffer, layout.Rows, layout.Columns, layout.RightMode);
        }
        else
        {
            // c = a' − b = −(b − a'): the primitives broadcast only their second operand; negation is exact.
            Backend.Zip<T, SubtractOperator>(b.Value.Buffer, a.Value.Buffer, output.Buffer, layout.Rows, layout.Columns, layout.LeftMode);
            Backend.Map<T, NegateOperator>(output.Buffer, output.Buffer, output.Length);
        }
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        if (GradientTarget(Inputs[0]) is { } ta)
            Broadcasting.ReduceInto(Device, outputGradient.Buffer, layout.Rows, layout.Columns, layout.LeftMode, ta, T.One);
        if (GradientTarget(Inputs[1]) is { } tb)
            Broadcasting.ReduceInto(Device, outputGradient.Buffer, layout.Rows, layout.Columns, layout.RightMode, tb, -T.One);
    }
}
