// Shape legend: x [M, N] (any rank for the sum of everything). Sum over axis 0 (the rows) gives [N] (one per
// feature, e.g. a bias gradient); over axis 1 (the columns) gives [M] (one per example); of everything, a scalar [].
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>The sum of all elements, a scalar: y = Σᵢ x[i].</summary>
    public static Var<T> Sum<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Reduce(x, axis: null, keepDimension: false, mean: false);

    /// <summary>
    /// The sum over one axis of a matrix [M, N]: axis 0 gives y[j] = Σᵢ x[i, j] ([N], or [1, N] with
    /// <paramref name="keepDimension"/>); axis 1 gives y[i] = Σⱼ x[i, j] ([M], or [M, 1]). Negative axes count from the end.
    /// </summary>
    public static Var<T> Sum<T>(Var<T> x, int axis, bool keepDimension = false) where T : unmanaged, IFloatingPointIeee754<T>
        => Reduce(x, axis, keepDimension, mean: false);

    /// <summary>Sum or mean over everything (axis null) or one axis; the mean divides by the number of terms.</summary>
    private static Var<T> Reduce<T>(Var<T> x, int? axis, bool keepDimension, bool mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string name = mean ? "mean" : "sum";
        var context = ForwardContext<T>.Begin(name, x);
        var backend = context.Backend;
        int rows, columns, terms;
        Broadcast mode; // how the output lies over the input: the same relation as a broadcast operand
        Shape outputShape;
        if (axis is null)
        {
            (rows, columns) = (1, x.Length);
            terms = x.Length;
            mode = Broadcast.Scalar;
            outputShape = Shape.Scalar;
        }
        else
        {
            if (x.Shape.Rank != 2)
                throw new ArgumentException($"{name}: a sum over axis {axis} needs a matrix (rank 2) but the input has shape {x.Shape}; use Ops.Reshape first, or Ops.{(mean ? "Mean" : "Sum")}(x) for all elements.");
            int resolved = axis.Value < 0 ? axis.Value + 2 : axis.Value;
            if (resolved is < 0 or > 1)
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{name}: axis {axis} is out of range for the matrix {x.Shape} (use 0, 1, -1 or -2).");
            (rows, columns) = (x.Shape[0], x.Shape[1]);
            if (resolved == 0)
            {
                terms = rows;
                mode = Broadcast.Row;
                outputShape = keepDimension ? Shape.Matrix(1, columns) : Shape.Vector(columns);
            }
            else
            {
                terms = columns;
                mode = Broadcast.Column;
                outputShape = keepDimension ? Shape.Matrix(rows, 1) : Shape.Vector(rows);
            }
        }
        if (mean && terms == 0)
            throw new ArgumentException($"{name}: the mean over {(axis is null ? "all elements" : $"axis {axis}")} of {x.Shape} has no terms.");
        T scale = mean ? T.One / T.CreateChecked(terms) : T.One;
        return context.Run(new SumOperation<T>(name, x, rows, columns, mode, scale), outputShape);
    }
}

/// <summary>
/// y = scale · Σ x over the reduced axis (scale 1 for a sum, 1/terms for a mean). Backward: every input element
/// that was added into y[k] receives scale · G[k], i.e. G is broadcast back over the reduced axis.
/// </summary>
internal sealed class SumOperation<T>(string name, Var<T> x, int rows, int columns, Broadcast mode, T scale)
    : Operation<T>(name, x) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void Forward(Tensor<T> output)
    {
        var input = Inputs[0].Value.Buffer;
        var y = output.Buffer;
        // y = Σ x over the reduced axis (fixed order in every backend)
        switch (mode)
        {
            case Broadcast.Row: Backend.SumOverRows(input, rows, columns, y); break;
            case Broadcast.Column: Backend.SumOverColumns(input, rows, columns, y); break;
            default: Backend.SumAll(input, rows * columns, y); break;
        }
        if (scale != T.One)
        {
            // y = (Σ x) / terms, scaled through a copy: Axpby's operands are kept distinct.
            using var total = ScratchBuffer<T>.Rent(Device, output.Length);
            Backend.Copy(y, 0, total.Buffer, 0, output.Length);
            Backend.Axpby(scale, total.Buffer, T.Zero, y, output.Length);
        }
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        if (GradientTarget(Inputs[0]) is { } target)
            Broadcasting.ExpandInto(Device, outputGradient.Buffer, rows, columns, mode, target, scale);
    }
}
