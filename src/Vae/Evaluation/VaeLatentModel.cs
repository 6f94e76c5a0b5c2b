using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Evaluation;

/// <summary>A VAE seen as a latent-variable model: its encoder is the proposal, its decoder the observation model.</summary>
public sealed class VaeLatentModel<T>(VaeModel<T> network) : ILatentVariableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public int LatentSize => network.Options.LatentSize;

    /// <inheritdoc />
    public (Var<T> Mu, Var<T> LogVar) Encode(Var<T> x) => network.Encode(x);

    /// <inheritdoc />
    public Var<T> LogLikelihood(Var<T> z, Var<T> x) => network.LogLikelihood(network.Decode(z), x);
}
