// Shape legend: c [M, N] = a / b, where one operand is [M, N] and the other [M, N], a row [N] or [1, N],
// a column [M, 1] or a single element (see Broadcasting).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise quotient c = a / b, broadcasting a row, a column or a scalar operand.</summary>
    public static Var<T> Divide<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = DivideOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, a, b);
        var layout = Broadcasting.Resolve(name, a.Shape, b.Shape);
        return context.Run(new DivideOperation<T>(a, b, layout), layout.OutputShape);
    }
}

/// <summary>
/// c = a / b, the broadcast operand laid over the output; backward: ∂L/∂a = reduce(G / b'),
/// ∂L/∂b = −reduce(G ⊙ a' / b'²) = −reduce(G ⊙ c / b'), where reduce sums over the axes the target operand was
/// broadcast along.
/// </summary>
internal sealed class DivideOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : Operation<T>(OperationName, a, b) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "divide";

    protected override void Forward(Tensor<T> output)
    {
        Var<T> a = Inputs[0], b = Inputs[1];
        if (layout.LeftMode == Broadcast.None)
        {
            // c = a / b'
            Backend.Zip<T, DivideOperator>(a.Value.Buffer, b.Value.Buffer, output.Buffer, layout.Rows, layout.Columns, layout.RightMode);
        }
        else
        {
            // c = a' / b: lay a' out in c first (the primitives broadcast only their second operand), then divide in place.
            Broadcasting.ExpandTo(Device, a.Value.Buffer, layout.LeftMode, layout.Rows, layout.Columns, output.Buffer);
            Backend.Zip<T, DivideOperator>(output.Buffer, b.Value.Buffer, output.Buffer, layout.Rows, layout.Columns, Broadcast.None);
        }
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> a = Inputs[0], b = Inputs[1];
        var g = outputGradient.Buffer;
        int rows = layout.Rows, columns = layout.Columns;
        if (GradientTarget(a) is { } ta)
        {
            // ∂c/∂a = 1 / b'
            Broadcasting.ZipReduceInto<T, DivideOperator>(Device, g, b.Value.Buffer, layout.RightMode, rows, columns, layout.LeftMode, ta, T.One);
        }
        if (GradientTarget(b) is { } tb)
        {
            // ∂c/∂b = −a / b² = −c / b: one full-size scratch holds G ⊙ c / b', then −sum to b's layout.
            using var scratch = ScratchBuffer<T>.Rent(Device, rows * columns);
            Backend.Zip<T, MultiplyOperator>(g, Output.Value.Buffer, scratch.Buffer, rows, columns, Broadcast.None);
            Backend.Zip<T, DivideOperator>(scratch.Buffer, b.Value.Buffer, scratch.Buffer, rows, columns, layout.RightMode);
            Broadcasting.ReduceInto(Device, scratch.Buffer, rows, columns, layout.RightMode, tb, -T.One);
        }
    }
}
