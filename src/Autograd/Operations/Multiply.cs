using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise product c = a ⊙ b, broadcasting a row, a column or a scalar operand.</summary>
    public static Var<T> Multiply<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        => BinaryOperation<T, MultiplyOperator>.Record(MultiplyOperation<T>.OperationName, a, b, static (a, b, layout) => new MultiplyOperation<T>(a, b, layout));
}

/// <summary>
/// c = a ⊙ b (<see cref="BinaryOperation{T, TOperator}"/>); backward: ∂L/∂a = reduce(G ⊙ b'), ∂L/∂b = reduce(G ⊙ a'),
/// where reduce sums over the axes the target operand was broadcast along.
/// </summary>
internal sealed class MultiplyOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : BinaryOperation<T, MultiplyOperator>(OperationName, a, b, layout) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "multiply";

    // c = a' ⊙ b = b ⊙ a': the product commutes, so the broadcast operand can be the second one.
    protected override void ForwardWithABroadcast(Tensor<T> output) => Zip(B.Value.Buffer, A.Value.Buffer, Layout.LeftMode, output.Buffer);

    // G ⊙ b' is full size (b laid over the output as in the forward pass), then summed to a's layout; and the other way.
    protected override void GradientOfA(DeviceBuffer<T> g, GradientTarget<T> target)
        => MultiplyReduceInto(g, B.Value.Buffer, Layout.RightMode, Layout.LeftMode, target);

    protected override void GradientOfB(DeviceBuffer<T> g, GradientTarget<T> target)
        => MultiplyReduceInto(g, A.Value.Buffer, Layout.LeftMode, Layout.RightMode, target);
}
