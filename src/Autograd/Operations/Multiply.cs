// Shape legend: c [M, N] = a ⊙ b, where one operand is [M, N] and the other [M, N], a row [N] or [1, N],
// a column [M, 1] or a single element (see Broadcasting).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise product c = a ⊙ b, broadcasting a row, a column or a scalar operand.</summary>
    public static Var<T> Multiply<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = MultiplyOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, a, b);
        var layout = Broadcasting.Resolve(name, a.Shape, b.Shape);
        return context.Run(new MultiplyOperation<T>(a, b, layout), layout.OutputShape);
    }
}

/// <summary>
/// c = a ⊙ b, the broadcast operand laid over the output; backward: ∂L/∂a = reduce(G ⊙ b'), ∂L/∂b = reduce(G ⊙ a'),
/// where ' lays an operand over the output and reduce sums over the axes the target operand was broadcast along.
/// </summary>
internal sealed class MultiplyOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : Operation<T>(OperationName, a, b) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "multiply";

    protected override void Forward(Tensor<T> output)
    {
        Var<T> a = Inputs[0], b = Inputs[1];
        // c = a ⊙ b'; the product commutes, so the broadcast operand can always be the second one.
        if (layout.LeftMode == Broadcast.None)
            Backend.Zip<T, MultiplyOperator>(a.Value.Buffer, b.Value.Buffer, output.Buffer, layout.Rows, layout.Columns, layout.RightMode);
        else
            Backend.Zip<T, MultiplyOperator>(b.Value.Buffer, a.Value.Buffer, output.Buffer, layout.Rows, layout.Columns, layout.LeftMode);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> a = Inputs[0], b = Inputs[1];
        var g = outputGradient.Buffer;
        // G ⊙ b' is full size: b' is b laid over the output as in the forward pass; then sum to a's layout.
        if (GradientTarget(a) is { } ta)
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, g, b.Value.Buffer, layout.RightMode, layout.Rows, layout.Columns, layout.LeftMode, ta, T.One);
        if (GradientTarget(b) is { } tb)
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, g, a.Value.Buffer, layout.LeftMode, layout.Rows, layout.Columns, layout.RightMode, tb, T.One);
    }
}
