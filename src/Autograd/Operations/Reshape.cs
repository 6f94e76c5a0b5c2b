// Shape legend: y has the elements of x in the same row-major order under another shape of the same length.
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>The same elements under another shape; shares the value's buffer (no copy).</summary>
    public static Var<T> Reshape<T>(Var<T> x, Shape shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = ReshapeOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, x);
        if (shape.Length != x.Length)
            throw new ArgumentException($"{name}: cannot view {x.Shape} ({x.Length} elements) as {shape} ({shape.Length} elements).", nameof(shape));
        // The view holds its own reference to the storage, so it survives even if x is freed first.
        var y = x.Value.Reshape(shape);
        var result = context.Finish(y, context.RecordsGradient ? new ReshapeOperation<T>(x) : null);
        // An unrecorded view of a constant or a parameter shows its buffer's current contents, so a replay may use it.
        if (!context.RecordsGradient) result.IsComputed = x.IsComputed;
        return result;
    }
}

/// <summary>
/// y = x viewed under another shape (the same buffer, no copy); backward: the gradient is the same elements in
/// x's shape, ∂L/∂x = G.
/// </summary>
internal sealed class ReshapeOperation<T>(Var<T> x) : Operation<T>(OperationName, x) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "reshape";

    protected override void Forward(Tensor<T> output)
    {
        // Nothing to compute: the output is a view sharing the input's buffer (Ops.Reshape makes it, not
        // ForwardContext.Run), so it already holds whatever a replay wrote into the input.
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        if (GradientTarget(Inputs[0]) is { } target)
            Backend.Axpby(T.One, outputGradient.Buffer, target.Beta, target.Buffer, outputGradient.Length);
    }
}
