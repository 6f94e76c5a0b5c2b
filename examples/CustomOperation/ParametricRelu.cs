// Shape legend: B rows (examples), N columns (units). x, y [B, N]; slopes a [N] (one learnable slope per unit).
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using AddOperator = ScratchVae.Kernels.Operators.Add;
using MultiplyOperator = ScratchVae.Kernels.Operators.Multiply;
using ReluOperator = ScratchVae.Kernels.Operators.Relu;
using SubtractOperator = ScratchVae.Kernels.Operators.Subtract;

namespace ScratchVae.Examples.CustomOperation;

/// <summary>
/// A parametric ReLU, y = max(x, 0) + a ⊙ min(x, 0), with a learnable slope a[j] per unit: an operation with two
/// inputs (one of them broadcast over the rows) needs its own backward rule, written as an <see cref="Operation{T}"/>
/// subclass beside the forward function, both only in terms of the backend's primitives.
/// </summary>
public static class ParametricRelu
{
    /// <summary>y[i, j] = max(x[i, j], 0) + a[j] · min(x[i, j], 0).</summary>
    public static Var<T> Apply<T>(Var<T> x, Var<T> slopes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = "parametric-relu";
        var context = ForwardContext<T>.Begin(name, x, slopes);
        var (rows, columns) = x.Shape.AsMatrix();
        if (slopes.Shape != Shape.Vector(columns))
            throw new ArgumentException($"{name}: the slopes {slopes.Shape} must have one element per column of x {x.Shape}.");
        var backend = context.Backend;
        var positive = Tensor<T>.Empty(x.Shape, context.Device);
        var negative = Tensor<T>.Empty(x.Shape, context.Device);
        var y = Tensor<T>.Empty(x.Shape, context.Device);
        // p = max(x, 0);  n = x − p = min(x, 0);  y = a ⊙ n + p
        backend.Map<T, ReluOperator>(x.Value.Buffer, positive.Buffer, x.Length);
        backend.Zip<T, SubtractOperator>(x.Value.Buffer, positive.Buffer, negative.Buffer, rows, columns, Broadcast.None);
        backend.Zip<T, MultiplyOperator>(negative.Buffer, slopes.Value.Buffer, y.Buffer, rows, columns, Broadcast.Row);
        backend.Zip<T, AddOperator>(y.Buffer, positive.Buffer, y.Buffer, rows, columns, Broadcast.None);
        if (!context.RecordsGradient)
        {
            positive.Dispose();
            negative.Dispose();
            return context.Finish(y, null);
        }
        return context.Finish(y, new ParametricReluOperation<T>(x, slopes, positive, negative));
    }
}

/// <summary>
/// Backward of y = p + a ⊙ n (p = max(x, 0), n = min(x, 0)), given G = ∂L/∂y:
/// ∂L/∂x = G where x &gt; 0 and a ⊙ G elsewhere; ∂L/∂a[j] = Σᵢ G[i, j] · n[i, j].
/// </summary>
internal sealed class ParametricReluOperation<T> : Operation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T> _positive;
    private readonly Tensor<T> _negative;

    public ParametricReluOperation(Var<T> x, Var<T> slopes, Tensor<T> positive, Tensor<T> negative) : base("parametric-relu", x, slopes)
    {
        // Saved tensors live until the tape is reset, then the tape frees them.
        _positive = Save(positive);
        _negative = Save(negative);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> x = Inputs[0], slopes = Inputs[1];
        var (rows, columns) = x.Shape.AsMatrix();
        var g = outputGradient.Buffer;
        if (GradientTarget(x) is { } xTarget)
        {
            using var above = Tensor<T>.Empty(x.Shape, Device);
            using var below = Tensor<T>.Empty(x.Shape, Device);
            // above = G ⊙ relu'(x) (G where x > 0);  below = (G − above) ⊙ a;  ∂L/∂x (+)= above + below
            Backend.MapBackward<T, ReluOperator>(x.Value.Buffer, _positive.Buffer, g, above.Buffer, x.Length, accumulate: false);
            Backend.Zip<T, SubtractOperator>(g, above.Buffer, below.Buffer, rows, columns, Broadcast.None);
            Backend.Zip<T, MultiplyOperator>(below.Buffer, slopes.Value.Buffer, below.Buffer, rows, columns, Broadcast.Row);
            Backend.Zip<T, AddOperator>(below.Buffer, above.Buffer, below.Buffer, rows, columns, Broadcast.None);
            // Honour Accumulate: add when another contribution already arrived, overwrite otherwise.
            Backend.Axpby(T.One, below.Buffer, xTarget.Beta, xTarget.Buffer, x.Length);
        }
        if (GradientTarget(slopes) is { } slopesTarget)
        {
            // ∂L/∂a[j] (+)= Σᵢ G[i, j] · n[i, j]
            using var products = Tensor<T>.Empty(x.Shape, Device);
            Backend.Zip<T, MultiplyOperator>(g, _negative.Buffer, products.Buffer, rows, columns, Broadcast.None);
            Backend.SumOverRows(products.Buffer, rows, columns, slopesTarget.Buffer, slopesTarget.Accumulate);
        }
    }
}
