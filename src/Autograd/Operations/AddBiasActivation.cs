// Shape legend: x [B, H] (B examples, H features, e.g. x · W of a linear layer); bias [H] or [1, H];
// y [B, H] = f(x + bias) for an activation f.
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y = f(x + bias) in one pass over memory (the fused BiasActivation primitive): a linear layer's bias and
    /// activation, e.g. <c>AddBiasActivation&lt;float, Relu&gt;(MatMul(input, weight), bias)</c>; with
    /// <see cref="IdentityOperator"/> it is a plain bias add.
    /// </summary>
    public static Var<T> AddBiasActivation<T, TOperator>(Var<T> x, Var<T> bias)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        string name = BiasActivationName<TOperator>.Value;
        var context = ForwardContext<T>.Begin(name, x, bias);
        TensorChecks.Matrix(name, "x", x.Value);
        int rows = x.Shape[0], columns = x.Shape[1];
        bool isRow = (bias.Shape.Rank == 1 && bias.Shape[0] == columns) || (bias.Shape.Rank == 2 && bias.Shape[0] == 1 && bias.Shape[1] == columns);
        if (!isRow)
            throw new ArgumentException($"{name}: the bias must be a row [{columns}] or [1, {columns}] for the input {x.Shape}, but has shape {bias.Shape}.");
        return context.Run(new AddBiasActivationOperation<T, TOperator>(name, x, bias), x.Shape);
    }
}

/// <summary>The operation's name, built once per activation (a training step would otherwise allocate it every call).</summary>
internal static class BiasActivationName<TOperator> where TOperator : struct, IUnaryOperator
{
    public static readonly string Value = $"bias+{TOperator.Name}";
}

/// <summary>
/// y = f(s), s = x + bias, in one pass. Backward: ∂L/∂s = G ⊙ f′(s), ∂L/∂x = ∂L/∂s, ∂L/∂bias[j] = Σᵢ ∂L/∂s[i, j].
/// s is recomputed here rather than kept from the forward pass (one cheap pass instead of a stored [B, H]), except
/// where f′ needs no s: the identity (f′ = 1, so ∂L/∂s is G itself) and ReLU (f′(s) = [s &gt; 0] = [y &gt; 0], so y
/// stands in for s and gives the same bits).
/// </summary>
internal sealed class AddBiasActivationOperation<T, TOperator>(string name, Var<T> x, Var<T> bias)
    : Operation<T>(name, x, bias) where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
{
    protected override void Forward(Tensor<T> output)
    {
        Var<T> x = Inputs[0], bias = Inputs[1];
        // y[i, j] = f(x[i, j] + bias[j])
        Backend.BiasActivation<T, TOperator>(x.Value.Buffer, bias.Value.Buffer, output.Buffer, x.Shape[0], x.Shape[1]);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> x = Inputs[0], bias = Inputs[1];
        int rows = x.Shape[0], columns = x.Shape[1];
        if (typeof(TOperator) == typeof(IdentityOperator))
        {
            // ∂L/∂s = G: x's gradient is G (copied, or added), the bias's the column sums of G.
            if (GradientTarget(x) is { } identityTarget)
                Backend.Axpby(T.One, outputGradient.Buffer, identityTarget.Beta, identityTarget.Buffer, x.Length);
            if (GradientTarget(bias) is { } identityBiasTarget)
                Broadcasting.ReduceInto(Device, outputGradient.Buffer, rows, columns, Broadcast.Row, identityBiasTarget, T.One);
            return;
        }
        bool derivativeFromOutput = typeof(TOperator) == typeof(ReluOperator);
        var xTarget = GradientTarget(x);
        // ∂L/∂s goes straight into x's gradient when that is fresh (and is not the bias itself); else a scratch buffer.
        bool direct = xTarget is { Accumulate: false } && !ReferenceEquals(x, bias);
        ScratchBuffer<T> preActivation = derivativeFromOutput ? default : ScratchBuffer<T>.Rent(Device, x.Length);
        ScratchBuffer<T> scratch = direct ? default : ScratchBuffer<T>.Rent(Device, x.Length);
        try
        {
            var sGradient = direct ? xTarget!.Value.Buffer : scratch.Buffer;
            var sBuffer = Output.Value.Buffer;
            if (!derivativeFromOutput)
            {
                // s = x + bias
                Backend.Zip<T, AddOperator>(x.Value.Buffer, bias.Value.Buffer, preActivation.Buffer, rows, columns, Broadcast.Row);
                sBuffer = preActivation.Buffer;
            }
            // ∂L/∂s = G ⊙ f′(s, y)
            Backend.MapBackward<T, TOperator>(sBuffer, Output.Value.Buffer, outputGradient.Buffer, sGradient, x.Length, accumulate: false);
            if (!direct && xTarget is { } target)
                Backend.Axpby(T.One, sGradient, target.Beta, target.Buffer, x.Length);
            if (GradientTarget(bias) is { } biasTarget)
                Broadcasting.ReduceInto(Device, sGradient, rows, columns, Broadcast.Row, biasTarget, T.One);
        }
        finally
        {
            preActivation.Dispose();
            scratch.Dispose();
        }
    }
}
