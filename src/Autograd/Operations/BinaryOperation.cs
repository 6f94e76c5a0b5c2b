// Shape legend: c [M, N] = a ∘ b, where one operand is [M, N] and the other [M, N], a row [N] or [1, N],
// a column [M, 1] or a single element (see Broadcasting); ' lays an operand over the output.
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// The skeleton the elementwise binary operations c = a ∘ b share (add, subtract, multiply, divide): the broadcast
/// is resolved once when the operation is recorded, the forward pass runs the operator with the broadcast operand
/// second (c = a ∘ b', the only way round the backend's primitives broadcast), and the backward pass sends
/// G = ∂L/∂c to each input that wants a gradient. An operation says only what differs: c when it is a that is
/// broadcast (c = a' ∘ b), and each input's gradient, summed over the axes that input was broadcast along.
/// </summary>
internal abstract class BinaryOperation<T, TOperator>(string name, Var<T> a, Var<T> b, BinaryLayout layout)
    : Operation<T>(name, a, b) where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
{
    /// <summary>Records c = a ∘ b: resolves the broadcast (an error names the operation and both shapes) and runs the forward pass.</summary>
    internal static Var<T> Record(string name, Var<T> a, Var<T> b, Func<Var<T>, Var<T>, BinaryLayout, BinaryOperation<T, TOperator>> create)
    {
        var context = ForwardContext<T>.Begin(name, a, b);
        var layout = Broadcasting.Resolve(name, a.Shape, b.Shape);
        return context.Run(create(a, b, layout), layout.OutputShape);
    }

    /// <summary>The output's rows and columns and how each operand is laid over them.</summary>
    protected BinaryLayout Layout { get; } = layout;

    /// <summary>a, the first operand.</summary>
    protected Var<T> A => Inputs[0];

    /// <summary>b, the second operand.</summary>
    protected Var<T> B => Inputs[1];

    protected sealed override void Forward(Tensor<T> output)
    {
        if (Layout.LeftMode == Broadcast.None) Zip(A.Value.Buffer, B.Value.Buffer, Layout.RightMode, output.Buffer); // c = a ∘ b'
        else ForwardWithABroadcast(output);
    }

    /// <summary>c = a' ∘ b, where a is the broadcast operand.</summary>
    protected abstract void ForwardWithABroadcast(Tensor<T> output);

    protected sealed override void Backward(Tensor<T> outputGradient)
    {
        if (GradientTarget(A) is { } ta) GradientOfA(outputGradient.Buffer, ta);
        if (GradientTarget(B) is { } tb) GradientOfB(outputGradient.Buffer, tb);
    }

    /// <summary>Adds ∂L/∂a, computed from G, into <paramref name="target"/> (in a's own layout).</summary>
    protected abstract void GradientOfA(DeviceBuffer<T> g, GradientTarget<T> target);

    /// <summary>Adds ∂L/∂b, computed from G, into <paramref name="target"/> (in b's own layout).</summary>
    protected abstract void GradientOfB(DeviceBuffer<T> g, GradientTarget<T> target);

    /// <summary>destination = x ∘ y', y laid over the output by <paramref name="yMode"/>.</summary>
    protected void Zip(DeviceBuffer<T> x, DeviceBuffer<T> y, Broadcast yMode, DeviceBuffer<T> destination)
        => Backend.Zip<T, TOperator>(x, y, destination, Layout.Rows, Layout.Columns, yMode);

    /// <summary>target += scale · (the full-size <paramref name="full"/> summed over the axes <paramref name="mode"/> broadcasts along).</summary>
    protected void ReduceInto(DeviceBuffer<T> full, Broadcast mode, GradientTarget<T> target, T scale)
        => Broadcasting.ReduceInto(Device, full, Layout.Rows, Layout.Columns, mode, target, scale);

    /// <summary>target += reduce(G ⊙ y'): the product G ⊙ y' at full size, summed to <paramref name="targetMode"/>'s layout.</summary>
    protected void MultiplyReduceInto(DeviceBuffer<T> g, DeviceBuffer<T> y, Broadcast yMode, Broadcast targetMode, GradientTarget<T> target)
        => Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, g, y, yMode, Layout.Rows, Layout.Columns, targetMode, target, T.One);
}
