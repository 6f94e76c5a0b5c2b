// Shape legend: x [M, N] (M rows, e.g. examples; N columns, e.g. importance samples); y [M] (or [M, 1]).
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

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
        const string name = LogSumExpColumnsOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, x);
        TensorChecks.Matrix(name, "x", x.Value);
        int rows = x.Shape[0], columns = x.Shape[1];
        if (columns == 0) throw new ArgumentException($"{name}: the input {x.Shape} has no columns; the log of an empty sum is −∞.");
        return context.Run(new LogSumExpColumnsOperation<T>(x), keepDimension ? Shape.Matrix(rows, 1) : Shape.Vector(rows));
    }
}

/// <summary>
/// y[i] = m[i] + log Σⱼ exp(x[i, j] − m[i]), m[i] = maxⱼ x[i, j] (logsumexp of each row). Backward:
/// ∂y[i]/∂x[i, j] = exp(x[i, j] − y[i]) (the softmax of the row).
/// </summary>
internal sealed class LogSumExpColumnsOperation<T>(Var<T> x) : Operation<T>(OperationName, x) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "logsumexp";

    protected override void Forward(Tensor<T> output)
    {
        var x = Inputs[0];
        int rows = x.Shape[0], columns = x.Shape[1];
        var y = output.Buffer;
        using var maximum = ScratchBuffer<T>.Rent(Device, rows);
        using var shifted = ScratchBuffer<T>.Rent(Device, x.Length);
        // m[i] = maxⱼ x[i, j]
        Backend.MaxOverColumns(x.Value.Buffer, rows, columns, maximum.Buffer);
        // e[i, j] = exp(x[i, j] − m[i]) ≤ 1
        Backend.Zip<T, SubtractOperator>(x.Value.Buffer, maximum.Buffer, shifted.Buffer, rows, columns, Broadcast.Column);
        Backend.Map<T, ExpOperator>(shifted.Buffer, shifted.Buffer, x.Length);
        // y[i] = log Σⱼ e[i, j] + m[i]; the sum is ≥ 1 (the maximum's own term), so the log is finite.
        Backend.SumOverColumns(shifted.Buffer, rows, columns, y);
        Backend.Map<T, LogOperator>(y, y, rows);
        Backend.Zip<T, AddOperator>(y, maximum.Buffer, y, 1, rows, Broadcast.None);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        var x = Inputs[0];
        if (GradientTarget(x) is not { } target) return;
        int rows = x.Shape[0], columns = x.Shape[1];
        // A fresh target can hold the softmax itself; an accumulating one needs a scratch buffer.
        using var scratch = target.Accumulate ? ScratchBuffer<T>.Rent(Device, x.Length) : default;
        var softmax = target.Accumulate ? scratch.Buffer : target.Buffer;
        // p[i, j] = exp(x[i, j] − y[i]) ∈ (0, 1]
        Backend.Zip<T, SubtractOperator>(x.Value.Buffer, Output.Value.Buffer, softmax, rows, columns, Broadcast.Column);
        Backend.Map<T, ExpOperator>(softmax, softmax, x.Length);
        // ∂L/∂x[i, j] = G[i] · p[i, j]
        Backend.Zip<T, MultiplyOperator>(softmax, outputGradient.Buffer, target.Buffer, rows, columns, Broadcast.Column, target.Accumulate);
    }
}
