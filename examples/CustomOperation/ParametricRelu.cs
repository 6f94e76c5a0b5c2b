// Shape legend: B rows (examples), N columns (units). x, y [B, N]; slopes a [N] (one learnable slope per unit).
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Examples.CustomOperation;

/// <summary>
/// A parametric ReLU, y = max(x, 0) + a ⊙ min(x, 0), with a learnable slope a[j] per unit: an operation with two
/// inputs (one of them broadcast over the rows) needs its own operation: an <see cref="Operation{T}"/> subclass with
/// a Forward computation and a backward rule, beside the function that checks the inputs, all only in terms of the
/// backend's primitives.
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
        return context.Run(new ParametricReluOperation<T>(x, slopes), x.Shape);
    }
}

/// <summary>
/// y = p + a ⊙ n with p = max(x, 0) and n = min(x, 0). Backward, given G = ∂L/∂y:
/// ∂L/∂x = G where x &gt; 0 and a ⊙ G elsewhere; ∂L/∂a[j] = Σᵢ G[i, j] · n[i, j].
/// </summary>
internal sealed class ParametricReluOperation<T> : Operation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T> _positive;
    private readonly Tensor<T> _negative;

    public ParametricReluOperation(Var<T> x, Var<T> slopes) : base("parametric-relu", x, slopes)
    {
        // p and n are kept for the backward rule: allocated once here, rewritten by every Forward (so a replayed
        // tape reuses them); the tape frees them when it is reset.
        _positive = Save(Tensor<T>.Empty(x.Shape, x.Device));
        _negative = Save(Tensor<T>.Empty(x.Shape, x.Device));
    }

    protected override void Forward(Tensor<T> output)
    {
        Var<T> x = Inputs[0], slopes = Inputs[1];
        var (rows, columns) = x.Shape.AsMatrix();
        // p = max(x, 0);  n = x − p = min(x, 0);  y = a ⊙ n + p
        Backend.Map<T, ReluOperator>(x.Value.Buffer, _positive.Buffer, x.Length);
        Backend.Zip<T, SubtractOperator>(x.Value.Buffer, _positive.Buffer, _negative.Buffer, rows, columns, Broadcast.None);
        Backend.Zip<T, MultiplyOperator>(_negative.Buffer, slopes.Value.Buffer, output.Buffer, rows, columns, Broadcast.Row);
        Backend.Zip<T, AddOperator>(output.Buffer, _positive.Buffer, output.Buffer, rows, columns, Broadcast.None);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> x = Inputs[0], slopes = Inputs[1];
        var (rows, columns) = x.Shape.AsMatrix();
        var g = outputGradient.Buffer;
        if (GradientTarget(x) is { } xTarget)
        {
            using var above = ScratchBuffer<T>.Rent(Device, x.Length);
            using var below = ScratchBuffer<T>.Rent(Device, x.Length);
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
            using var products = ScratchBuffer<T>.Rent(Device, x.Length);
            Backend.Zip<T, MultiplyOperator>(g, _negative.Buffer, products.Buffer, rows, columns, Broadcast.None);
            Backend.SumOverRows(products.Buffer, rows, columns, slopesTarget.Buffer, slopesTarget.Accumulate);
        }
    }
}
