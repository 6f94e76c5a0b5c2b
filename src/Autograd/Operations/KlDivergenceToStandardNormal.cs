// Shape legend: B examples, Z latent dimensions. mu, logVar [B, Z] (the encoder's q(z|x) = N(mu, diag(exp(logVar))));
// y [B] = KL(q(z|x) ‖ N(0, I)) per example.
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The KL divergence of N(μ, σ²) from the standard normal, in closed form, per example:
    /// KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²), with log σ² = <paramref name="logVar"/>.
    /// </summary>
    public static Var<T> KlDivergenceToStandardNormal<T>(Var<T> mu, Var<T> logVar) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = KlDivergenceToStandardNormalOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, mu, logVar);
        TensorChecks.Matrix(name, "mu", mu.Value);
        if (logVar.Shape != mu.Shape)
            throw new ArgumentException($"{name}: mu {mu.Shape} and logVar {logVar.Shape} must have the same shape.");
        return context.Run(new KlDivergenceToStandardNormalOperation<T>(mu, logVar), Shape.Vector(mu.Shape[0]));
    }
}

/// <summary>
/// KL[i] = −½ Σⱼ (1 + log σ² − μ² − σ²) with σ² = exp(log σ²). Backward: ∂KL/∂μ = μ, ∂KL/∂log σ² = ½ (σ² − 1).
/// </summary>
internal sealed class KlDivergenceToStandardNormalOperation<T>(Var<T> mu, Var<T> logVar)
    : Operation<T>(OperationName, mu, logVar) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "kl-divergence";

    // −½ Z, the Σⱼ 1 term.
    private readonly T _constant = T.CreateChecked(-0.5 * mu.Shape[1]);

    protected override void Forward(Tensor<T> output)
    {
        Var<T> mu = Inputs[0], logVar = Inputs[1];
        int rows = mu.Shape[0], columns = mu.Shape[1];
        var y = output.Buffer;
        using var variance = ScratchBuffer<T>.Rent(Device, mu.Length);
        using var terms = ScratchBuffer<T>.Rent(Device, mu.Length);
        using var sum = ScratchBuffer<T>.Rent(Device, rows);
        var constant = Device.Constant(_constant);
        // σ² = exp(log σ²);  t = log σ² − μ² − σ²
        Backend.Map<T, ExpOperator>(logVar.Value.Buffer, variance.Buffer, mu.Length);
        Backend.Map<T, SquareOperator>(mu.Value.Buffer, terms.Buffer, mu.Length);
        Backend.Zip<T, SubtractOperator>(logVar.Value.Buffer, terms.Buffer, terms.Buffer, rows, columns, Broadcast.None);
        Backend.Zip<T, SubtractOperator>(terms.Buffer, variance.Buffer, terms.Buffer, rows, columns, Broadcast.None);
        // KL[i] = −½ Σⱼ t[i, j] − ½ Z   (the Σⱼ 1 term)
        Backend.SumOverColumns(terms.Buffer, rows, columns, sum.Buffer);
        Backend.Axpby(T.CreateChecked(-0.5), sum.Buffer, T.Zero, y, rows);
        Backend.Zip<T, AddOperator>(y, constant, y, 1, rows, Broadcast.Scalar);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> mu = Inputs[0], logVar = Inputs[1];
        int rows = mu.Shape[0], columns = mu.Shape[1];
        var g = outputGradient.Buffer; // G [B]
        if (GradientTarget(mu) is { } muTarget)
        {
            // ∂L/∂μ = G[i] · μ
            Backend.Zip<T, MultiplyOperator>(mu.Value.Buffer, g, muTarget.Buffer, rows, columns, Broadcast.Column, muTarget.Accumulate);
        }
        if (GradientTarget(logVar) is { } logVarTarget)
        {
            // ∂L/∂log σ² = ½ G[i] · (exp(log σ²) − 1)
            using var factor = ScratchBuffer<T>.Rent(Device, mu.Length);
            var one = Device.Constant(T.One);
            Backend.Map<T, ExpOperator>(logVar.Value.Buffer, factor.Buffer, mu.Length);
            Backend.Zip<T, SubtractOperator>(factor.Buffer, one, factor.Buffer, rows, columns, Broadcast.Scalar);
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, factor.Buffer, g, Broadcast.Column, rows, columns, Broadcast.None, logVarTarget, T.CreateChecked(0.5));
        }
    }
}
