using System.Numerics;
using ScratchVae.Autograd;

namespace ScratchVae.Vae.Evaluation;

/// <summary>
/// What the importance-weighted bound needs of a latent-variable model with prior p(z) = N(0, I): a diagonal
/// Gaussian proposal q(z|x) = N(mu(x), diag(exp(logVar(x)))) and the observation model log p(x|z). The VAE is
/// one such model (<see cref="VaeLatentModel{T}"/>); the tests add a linear-Gaussian one whose log p(x) is known
/// in closed form.
/// </summary>
public interface ILatentVariableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Z: the number of latent dimensions.</summary>
    int LatentSize { get; }

    /// <summary>The proposal's parameters for a batch x [B, D]: mu and logVar, each [B, Z].</summary>
    (Var<T> Mu, Var<T> LogVar) Encode(Var<T> x);

    /// <summary>log p(x | z) per row, [B], for z [B, Z] and x [B, D].</summary>
    Var<T> LogLikelihood(Var<T> z, Var<T> x);
}
