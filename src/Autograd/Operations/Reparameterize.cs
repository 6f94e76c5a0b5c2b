// Shape legend: B examples, Z latent dimensions. mu, logVar, eps, z [B, Z].
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using AddOperator = ScratchVae.Kernels.Operators.Add;
using ExpOperator = ScratchVae.Kernels.Operators.Exp;
using MultiplyOperator = ScratchVae.Kernels.Operators.Multiply;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The reparameterization trick: z = μ + σ ⊙ ε with σ = exp(log σ² / 2) and ε ~ N(0, I) given, so z is a
    /// sample of N(μ, σ²) through which gradients reach μ and log σ² (ε is a constant: no gradient).
    /// </summary>
    public static Var<T> Reparameterize<T>(Var<T> mu, Var<T> logVar, Tensor<T> eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = "reparameterize";
        var context = ForwardContext<T>.Begin(name, mu, logVar);
        TensorChecks.Alive(name, nameof(eps), eps);
        if (logVar.Shape != mu.Shape || eps.Shape != mu.Shape)
            throw new ArgumentException($"{name}: mu {mu.Shape}, logVar {logVar.Shape} and eps {eps.Shape} must have the same shape.");
        if (!ReferenceEquals(eps.Device, context.Device))
            throw new ArgumentException($"{name}: eps {eps.Shape} lives on '{eps.Device.Name}' but mu {mu.Shape} lives on '{context.Device.Name}'.");
        var backend = context.Backend;
        int length = mu.Length;
        var (rows, columns) = mu.Shape.AsMatrix();
        var noise = Tensor<T>.Empty(mu.Shape, context.Device);
        var z = Tensor<T>.Empty(mu.Shape, context.Device);
        // σ = exp(½ log σ²);  n = σ ⊙ ε;  z = μ + n
        backend.Axpby(T.CreateChecked(0.5), logVar.Value.Buffer, T.Zero, noise.Buffer, length);
        backend.Map<T, ExpOperator>(noise.Buffer, noise.Buffer, length);
        backend.Zip<T, MultiplyOperator>(noise.Buffer, eps.Buffer, noise.Buffer, rows, columns, Broadcast.None);
        backend.Zip<T, AddOperator>(mu.Value.Buffer, noise.Buffer, z.Buffer, rows, columns, Broadcast.None);
        if (!context.RecordsGradient)
        {
            noise.Dispose();
            return context.Finish(z, null);
        }
        return context.Finish(z, new ReparameterizeOperation<T>(mu, logVar, noise));
    }

    /// <summary>
    /// <see cref="Reparameterize{T}(Var{T}, Var{T}, Tensor{T})"/> with ε drawn from the Philox normal stream
    /// (<paramref name="seed"/>, <paramref name="counterOffset"/>): the same pair gives the same ε on every
    /// device. Advance the offset by RandomStreams.BlocksUsed(mu.Length) between draws.
    /// </summary>
    public static Var<T> Reparameterize<T>(Var<T> mu, Var<T> logVar, ulong seed, ulong counterOffset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(mu);
        mu.ThrowIfDisposed();
        using var eps = Tensor<T>.Normal(mu.Shape, seed, counterOffset, device: mu.Device);
        return Reparameterize(mu, logVar, eps);
    }
}

/// <summary>
/// Backward of z = μ + n, n = exp(½ log σ²) ⊙ ε: ∂z/∂μ = 1 and ∂z/∂log σ² = ½ n (the saved noise; using
/// z − μ instead would lose precision when |μ| ≫ σ).
/// </summary>
internal sealed class ReparameterizeOperation<T> : Operation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T> _noise;

    public ReparameterizeOperation(Var<T> mu, Var<T> logVar, Tensor<T> noise) : base("reparameterize", mu, logVar) => _noise = Save(noise);

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> mu = Inputs[0], logVar = Inputs[1];
        var (rows, columns) = mu.Shape.AsMatrix();
        // ∂L/∂μ = G
        if (GradientTarget(mu) is { } muTarget)
            Backend.Axpby(T.One, outputGradient.Buffer, muTarget.Beta, muTarget.Buffer, mu.Length);
        // ∂L/∂log σ² = ½ G ⊙ n
        if (GradientTarget(logVar) is { } logVarTarget)
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, outputGradient.Buffer, _noise.Buffer, Broadcast.None, rows, columns, Broadcast.None, logVarTarget, T.CreateChecked(0.5));
    }
}
