// Shape legend: B examples, D pixels. logits l [B, D] (the decoder's output before the sigmoid); targets x [B, D]
// in [0, 1]; y [B] = log p(x | z) per example.
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The Bernoulli log-likelihood of targets x under pixel probabilities sigmoid(l), per example:
    /// log p(x | z) = Σⱼ [xⱼ log σ(lⱼ) + (1 − xⱼ) log(1 − σ(lⱼ))] = −Σⱼ BCE(lⱼ, xⱼ), with the stable
    /// BCE(l, x) = max(l, 0) − l·x + log(1 + e^−|l|) (never log of a sigmoid).
    /// </summary>
    public static Var<T> BernoulliLogLikelihood<T>(Var<T> logits, Var<T> targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = BernoulliLogLikelihoodOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, logits, targets);
        TensorChecks.Matrix(name, "logits", logits.Value);
        if (targets.Shape != logits.Shape)
            throw new ArgumentException($"{name}: the targets {targets.Shape} must have the shape of the logits {logits.Shape}.");
        // The logits' derivative is kept only when the logits will need a gradient.
        bool keepLogitsDerivative = context.RecordsGradient && logits.RequiresGrad;
        return context.Run(new BernoulliLogLikelihoodOperation<T>(logits, targets, keepLogitsDerivative), Shape.Vector(logits.Shape[0]));
    }
}

/// <summary>
/// y[i] = −Σⱼ BCE(l[i, j], x[i, j]). Backward: ∂y[i]/∂l[i, j] = x[i, j] − σ(l[i, j]) (written as d by the forward
/// pass, when kept) and ∂y[i]/∂x[i, j] = l[i, j].
/// </summary>
internal sealed class BernoulliLogLikelihoodOperation<T> : Operation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "bernoulli-log-likelihood";

    // d [B, D] = −(σ(l) − x), rewritten by every forward pass, or null when the logits need no gradient.
    private readonly Tensor<T>? _logitsDerivative;

    public BernoulliLogLikelihoodOperation(Var<T> logits, Var<T> targets, bool keepLogitsDerivative)
        : base(OperationName, logits, targets)
        => _logitsDerivative = keepLogitsDerivative ? Save(Tensor<T>.Empty(logits.Shape, logits.Device)) : null;

    protected override void Forward(Tensor<T> output)
    {
        Var<T> logits = Inputs[0], targets = Inputs[1];
        int rows = logits.Shape[0], columns = logits.Shape[1];
        // y[i] = Σⱼ BCE(l[i, j], x[i, j]), then log p = −y. When the logits need a gradient, the same pass also
        // writes d[i, j] = ∂ log p[i] / ∂l[i, j] = −(σ(l) − x): its exp and log are the costly part, so backward
        // only scales d instead of running them again.
        Backend.BceWithLogits(logits.Value.Buffer, targets.Value.Buffer, rows, columns, output.Buffer, _logitsDerivative?.Buffer, -T.One);
        Backend.Map<T, NegateOperator>(output.Buffer, output.Buffer, rows);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> logits = Inputs[0], targets = Inputs[1];
        int rows = logits.Shape[0], columns = logits.Shape[1];
        var g = outputGradient.Buffer; // G [B]
        if (GradientTarget(logits) is { } logitsTarget)
        {
            // ∂L/∂l[i, j] = G[i] · d[i, j]
            var d = _logitsDerivative ?? throw new InvalidOperationException(
                "bernoulli-log-likelihood: the logits' derivative was not kept by the forward pass.");
            Backend.Zip<T, MultiplyOperator>(d.Buffer, g, logitsTarget.Buffer, rows, columns, Broadcast.Column, logitsTarget.Accumulate);
        }
        if (GradientTarget(targets) is { } targetsTarget)
        {
            // ∂L/∂x[i, j] = G[i] · l[i, j]
            Backend.Zip<T, MultiplyOperator>(logits.Value.Buffer, g, targetsTarget.Buffer, rows, columns, Broadcast.Column, targetsTarget.Accumulate);
        }
    }
}
