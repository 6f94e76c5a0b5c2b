using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise quotient c = a / b, broadcasting a row, a column or a scalar operand.</summary>
    public static Var<T> Divide<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        => BinaryOperation<T, DivideOperator>.Record(DivideOperation<T>.OperationName, a, b, static (a, b, layout) => new DivideOperation<T>(a, b, layout));
}

/// <summary>
/// c = a / b (<see cref="BinaryOperation{T, TOperator}"/>); backward: ∂L/∂a = reduce(G / b'),
/// ∂L/∂b = −reduce(G ⊙ a' / b'²) = −reduce(G ⊙ c / b'), where reduce sums over the axes the target operand was
/// broadcast along.
/// </summary>
internal sealed class DivideOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : BinaryOperation<T, DivideOperator>(OperationName, a, b, layout) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "divide";

    // c = a' / b: lay a' out in c first (the primitives broadcast only their second operand), then divide in place.
    protected override void ForwardWithABroadcast(Tensor<T> output)
    {
        Broadcasting.ExpandTo(Device, A.Value.Buffer, Layout.LeftMode, Layout.Rows, Layout.Columns, output.Buffer);
        Zip(output.Buffer, B.Value.Buffer, Broadcast.None, output.Buffer);
    }

    // ∂c/∂a = 1 / b': G / b' at full size, summed to a's layout.
    protected override void GradientOfA(DeviceBuffer<T> g, GradientTarget<T> target)
        => Broadcasting.ZipReduceInto<T, DivideOperator>(Device, g, B.Value.Buffer, Layout.RightMode, Layout.Rows, Layout.Columns,
            Layout.LeftMode, target, T.One);

    // ∂c/∂b = −a / b² = −c / b: one full-size scratch holds G ⊙ c / b', then −sum to b's layout.
    protected override void GradientOfB(DeviceBuffer<T> g, GradientTarget<T> target)
    {
        int rows = Layout.Rows, columns = Layout.Columns;
        using var scratch = ScratchBuffer<T>.Rent(Device, rows * columns);
        Backend.Zip<T, MultiplyOperator>(g, Output.Value.Buffer, scratch.Buffer, rows, columns, Broadcast.None);
        Zip(scratch.Buffer, B.Value.Buffer, Layout.RightMode, scratch.Buffer);
        ReduceInto(scratch.Buffer, Layout.RightMode, target, -T.One);
    }
}
