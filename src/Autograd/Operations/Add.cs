using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise sum c = a + b, broadcasting a row, a column or a scalar operand (e.g. a bias).</summary>
    public static Var<T> Add<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        => BinaryOperation<T, AddOperator>.Record(AddOperation<T>.OperationName, a, b, static (a, b, layout) => new AddOperation<T>(a, b, layout));
}

/// <summary>
/// c = a + b (<see cref="BinaryOperation{T, TOperator}"/>); backward: ∂L/∂a = reduce(G), ∂L/∂b = reduce(G), where
/// reduce sums G = ∂L/∂c over the axes that operand was broadcast along.
/// </summary>
internal sealed class AddOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : BinaryOperation<T, AddOperator>(OperationName, a, b, layout) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "add";

    // c = a' + b = b + a': addition commutes, so the broadcast operand can be the second one.
    protected override void ForwardWithABroadcast(Tensor<T> output) => Zip(B.Value.Buffer, A.Value.Buffer, Layout.LeftMode, output.Buffer);

    protected override void GradientOfA(DeviceBuffer<T> g, GradientTarget<T> target) => ReduceInto(g, Layout.LeftMode, target, T.One);

    protected override void GradientOfB(DeviceBuffer<T> g, GradientTarget<T> target) => ReduceInto(g, Layout.RightMode, target, T.One);
}
