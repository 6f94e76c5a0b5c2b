// Shape legend: c [M, N] = a / b, where one operand is [M, N] and the other [M, N], a row [N] or [1, N],
// a column [M, 1] or a single element (see Broadcasting).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using DivideOperator = ScratchVae.Kernels.Operators.Divide;
using MultiplyOperator = ScratchVae.Kernels.Operators.Multiply;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Elementwise quotient c = a / b, broadcasting a row, a column or a scalar operand.</summary>
    public static Var<T> Divide<T>(Var<T> a, Var<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = "divide";
        var context = ForwardContext<T>.Begin(name, a, b);
        var layout = Broadcasting.Resolve(name, a.Shape, b.Shape);
        var c = Tensor<T>.Empty(layout.OutputShape, context.Device);
        if (layout.LeftMode == Broadcast.None)
        {
            // c = a / b'
            context.Backend.Zip<T, DivideOperator>(a.Value.Buffer, b.Value.Buffer, c.Buffer, layout.Rows, layout.Columns, layout.RightMode);
        }
        else
        {
            // c = a' / b: lay a' out in c first (the primitives broadcast only their second operand), then divide in place.
            Broadcasting.ExpandTo(context.Device, a.Value.Buffer, layout.LeftMode, layout.Rows, layout.Columns, c.Buffer);
            context.Backend.Zip<T, DivideOperator>(c.Buffer, b.Value.Buffer, c.Buffer, layout.Rows, layout.Columns, Broadcast.None);
        }
        return context.Finish(c, context.RecordsGradient ? new DivideOperation<T>(a, b, layout) : null);
    }
}

/// <summary>Backward of c = a / b: ∂L/∂a = reduce(G / b), ∂L/∂b = −reduce(G ⊙ a / b²) = −reduce(G ⊙ c / b).</summary>
internal sealed class DivideOperation<T>(Var<T> a, Var<T> b, BinaryLayout layout)
    : Operation<T>("divide", a, b) where T : unmanaged, IFloatingPointIeee754<T>
{
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
            using var scratch = Tensor<T>.Empty(Shape.Matrix(rows, columns), Device);
            Backend.Zip<T, MultiplyOperator>(g, Output.Value.Buffer, scratch.Buffer, rows, columns, Broadcast.None);
            Backend.Zip<T, DivideOperator>(scratch.Buffer, b.Value.Buffer, scratch.Buffer, rows, columns, layout.RightMode);
            Broadcasting.ReduceInto(Device, scratch.Buffer, rows, columns, layout.RightMode, tb, -T.One);
        }
    }
}
