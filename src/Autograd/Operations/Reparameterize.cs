// Shape legend: B examples, Z latent dimensions. mu, logVar, eps, z [B, Z].
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The reparameterization trick: z = μ + σ ⊙ ε with σ = exp(log σ² / 2) and ε ~ N(0, I) given, so z is a
    /// sample of N(μ, σ²) through which gradients reach μ and log σ² (ε is a constant: no gradient).
    /// </summary>
    public static Var<T> Reparameterize<T>(Var<T> mu, Var<T> logVar, Tensor<T> eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = ReparameterizeOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, mu, logVar);
        TensorChecks.Alive(name, nameof(eps), eps);
        if (logVar.Shape != mu.Shape || eps.Shape != mu.Shape)
            throw new ArgumentException($"{name}: mu {mu.Shape}, logVar {logVar.Shape} and eps {eps.Shape} must have the same shape.");
        if (!ReferenceEquals(eps.Device, context.Device))
            throw new ArgumentException($"{name}: eps {eps.Shape} lives on '{eps.Device.Name}' but mu {mu.Shape} lives on '{context.Device.Name}'.");
        return context.Run(new ReparameterizeOperation<T>(mu, logVar, eps), mu.Shape);
    }

    /// <summary>
    /// <see cref="Reparameterize{T}(Var{T}, Var{T}, Tensor{T})"/> with ε drawn from the Philox normal stream
    /// (<paramref name="seed"/>, <paramref name="counterOffset"/>): the same pair gives the same ε on every
    /// device. Advance the offset by RandomStreams.BlocksUsed(mu.Length) between draws. ε is drawn once: a
    /// <see cref="Tape.Replay"/> reuses it. For new noise on every replay, pass an ε tensor and refill it
    /// (Backend.NormalFill) before each replay.
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
/// z = μ + n with n = exp(½ log σ²) ⊙ ε. Backward: ∂z/∂μ = 1 and ∂z/∂log σ² = ½ n (the saved noise; using
/// z − μ instead would lose precision when |μ| ≫ σ). ε is held (shared with the caller's tensor), so a replay
/// reads whatever the caller wrote into it since.
/// </summary>
internal sealed class ReparameterizeOperation<T> : Operation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "reparameterize";

    private readonly Tensor<T> _eps;
    private readonly Tensor<T> _noise;

    public ReparameterizeOperation(Var<T> mu, Var<T> logVar, Tensor<T> eps) : base(OperationName, mu, logVar)
    {
        // A reference of our own to ε's buffer (freed on release; the caller's tensor stays theirs).
        _eps = Save(eps.Reshape(eps.Shape));
        _noise = Save(Tensor<T>.Empty(mu.Shape, mu.Device));
    }

    protected override void Forward(Tensor<T> output)
    {
        Var<T> mu = Inputs[0], logVar = Inputs[1];
        int length = mu.Length;
        var (rows, columns) = mu.Shape.AsMatrix();
        // σ = exp(½ log σ²);  n = σ ⊙ ε;  z = μ + n
        Backend.Axpby(T.CreateChecked(0.5), logVar.Value.Buffer, T.Zero, _noise.Buffer, length);
        Backend.Map<T, ExpOperator>(_noise.Buffer, _noise.Buffer, length);
        Backend.Zip<T, MultiplyOperator>(_noise.Buffer, _eps.Buffer, _noise.Buffer, rows, columns, Broadcast.None);
        Backend.Zip<T, AddOperator>(mu.Value.Buffer, _noise.Buffer, output.Buffer, rows, columns, Broadcast.None);
    }

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
