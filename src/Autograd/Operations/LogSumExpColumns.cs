// Shape legend: x [M, N] (M rows, e.g. examples; N columns, e.g. importance samples); y [M] (or [M, 1]).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using AddOperator = ScratchVae.Kernels.Operators.Add;
using ExpOperator = ScratchVae.Kernels.Operators.Exp;
using LogOperator = ScratchVae.Kernels.Operators.Log;
using MultiplyOperator = ScratchVae.Kernels.Operators.Multiply;
using SubtractOperator = ScratchVae.Kernels.Operators.Subtract;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y[i] = log Σⱼ exp(x[i, j]) over the columns of each row, computed stably as
    /// y[i] = m[i] + log Σⱼ exp(x[i, j] − m[i]) with m[i] = maxⱼ x[i, j], so no exponential overflows
    /// (the importance-weighted bound's log-mean-exp over samples).
    /// </summary>
    public static Var<T> LogSumExpColumns<T>(Var<T> x, bool keepDimension = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = "logsumexp";
        var context = ForwardContext<T>.Begin(name, x);
        TensorChecks.Matrix(name, "x", x.Value);
        int rows = x.Shape[0], columns = x.Shape[1];
        if (columns == 0) throw new ArgumentException($"{name}: the input {x.Shape} has no columns; the log of an empty sum is −∞.");
        var backend = context.Backend;
        var y = Tensor<T>.Empty(keepDimension ? Shape.Matrix(rows, 1) : Shape.Vector(rows), context.Device);
        using (var maximum = Tensor<T>.Empty(Shape.Vector(rows), context.Device))
        using (var shifted = Tensor<T>.Empty(x.Shape, context.Device))
        {
            // m[i] = maxⱼ x[i, j]
            backend.MaxOverColumns(x.Value.Buffer, rows, columns, maximum.Buffer);
            // e[i, j] = exp(x[i, j] − m[i]) ≤ 1
            backend.Zip<T, SubtractOperator>(x.Value.Buffer, maximum.Buffer, shifted.Buffer, rows, columns, Broadcast.Column);
            backend.Map<T, ExpOperator>(shifted.Buffer, shifted.Buffer, shifted.Length);
            // y[i] = log Σⱼ e[i, j] + m[i]; the sum is ≥ 1 (the maximum's own term), so the log is finite.
            backend.SumOverColumns(shifted.Buffer, rows, columns, y.Buffer);
            backend.Map<T, LogOperator>(y.Buffer, y.Buffer, rows);
            backend.Zip<T, AddOperator>(y.Buffer, maximum.Buffer, y.Buffer, 1, rows, Broadcast.None);
        }
        return context.Finish(y, context.RecordsGradient ? new LogSumExpColumnsOperation<T>(x) : null);
    }
}

/// <summary>Backward of y = logsumexp(x) per row: ∂y[i]/∂x[i, j] = exp(x[i, j] − y[i]) (the softmax of the row).</summary>
internal sealed class LogSumExpColumnsOperation<T>(Var<T> x) : Operation<T>("logsumexp", x) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void Backward(Tensor<T> outputGradient)
    {
        var x = Inputs[0];
        if (GradientTarget(x) is not { } target) return;
        int rows = x.Shape[0], columns = x.Shape[1];
        // A fresh target can hold the softmax itself; an accumulating one needs a scratch buffer.
        Tensor<T>? scratch = target.Accumulate ? Tensor<T>.Empty(x.Shape, Device) : null;
        try
        {
            var softmax = scratch?.Buffer ?? target.Buffer;
            // p[i, j] = exp(x[i, j] − y[i]) ∈ (0, 1]
            Backend.Zip<T, SubtractOperator>(x.Value.Buffer, Output.Value.Buffer, softmax, rows, columns, Broadcast.Column);
            Backend.Map<T, ExpOperator>(softmax, softmax, x.Length);
            // ∂L/∂x[i, j] = G[i] · p[i, j]
            Backend.Zip<T, MultiplyOperator>(softmax, outputGradient.Buffer, target.Buffer, rows, columns, Broadcast.Column, target.Accumulate);
        }
        finally
        {
            scratch?.Dispose();
        }
    }
}
