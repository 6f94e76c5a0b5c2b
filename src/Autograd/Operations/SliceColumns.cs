// Shape legend: x [M, N]; y [M, C] = x[:, S : S + C] (the columns S … S + C − 1, e.g. mu and logVar out of one
// encoder output).
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>The columns <paramref name="start"/> … start + count − 1 of a matrix, as a new matrix [M, count].</summary>
    public static Var<T> SliceColumns<T>(Var<T> x, int start, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = SliceColumnsOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, x);
        TensorChecks.Matrix(name, "x", x.Value);
        int rows = x.Shape[0], columns = x.Shape[1];
        if (start < 0 || count < 0 || start + count > columns)
            throw new ArgumentOutOfRangeException(nameof(start), $"{name}: columns {start} … {start + count - 1} (start {start}, count {count}) are outside the matrix {x.Shape}.");
        return context.Run(new SliceColumnsOperation<T>(x, start, count), Shape.Matrix(rows, count));
    }
}

/// <summary>
/// y[i, j] = x[i, start + j], the columns start … start + count − 1; backward: ∂L/∂x[i, start + j] = G[i, j], and 0
/// in the columns not taken.
/// </summary>
internal sealed class SliceColumnsOperation<T>(Var<T> x, int start, int count) : Operation<T>(OperationName, x) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "slice";

    protected override void Forward(Tensor<T> output)
    {
        var x = Inputs[0];
        int rows = x.Shape[0], columns = x.Shape[1];
        // y[i, j] = x[i, start + j]
        Backend.Copy2D(rows, count, x.Value.Buffer, start, columns, output.Buffer, 0, count);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        var x = Inputs[0];
        if (GradientTarget(x) is not { } target) return;
        int rows = x.Shape[0], columns = x.Shape[1];
        // A fresh gradient starts at zero in the columns this slice does not cover.
        if (!target.Accumulate) Backend.Fill(target.Buffer, 0, x.Length, T.Zero);
        Backend.Copy2D(rows, count, outputGradient.Buffer, 0, count, target.Buffer, start, columns, accumulate: true);
    }
}
