// Shape legend: B examples in a batch, D pixels (784), H hidden units (400), Z latent dimensions (20).
// x [B, D]; mu, logVar, eps, z [B, Z]; logits [B, D].
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using SigmoidOperator = ScratchVae.Kernels.Operators.Sigmoid;

namespace ScratchVae.Vae.Model;

/// <summary>The terms of one batch's loss, each summed over the batch (as PyTorch's example reports them).</summary>
/// <param name="Loss">−ELBO with β: Reconstruction + β · Kl; the value to minimise.</param>
/// <param name="Reconstruction">−Σᵢ log p(xᵢ | zᵢ), in nats.</param>
/// <param name="Kl">Σᵢ KL(q(z | xᵢ) ‖ p(z)), in nats.</param>
public sealed record ElboTerms<T>(Var<T> Loss, Var<T> Reconstruction, Var<T> Kl) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The VAE as functions of its parameters (given in <see cref="ParameterLayout"/> order): the encoder q(z|x),
/// the reparameterization, the decoder p(x|z) and the negative ELBO. Holding no state of its own, the same code
/// trains the model's float32 parameters and runs the gradient checker over float64 copies.
/// </summary>
public sealed class VaeNetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Linear<T>[] _encoderHidden;
    private readonly Linear<T> _mu;
    private readonly Linear<T> _logVar;
    private readonly Linear<T>[] _decoderHidden;
    private readonly Linear<T> _output;

    /// <summary>Builds the network over <paramref name="parameters"/>, which must match <see cref="ParameterLayout.For"/>.</summary>
    public VaeNetwork(VaeOptions options, IReadOnlyList<Var<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var specs = ParameterLayout.For(options);
        if (parameters.Count != specs.Count)
            throw new ArgumentException($"A VAE with hidden layers [{string.Join(", ", options.HiddenSizes)}] has {specs.Count} parameters, but {parameters.Count} were given.");
        for (int i = 0; i < specs.Count; i++)
            if (parameters[i].Shape != new Shape(specs[i].Shape))
                throw new ArgumentException($"Parameter {specs[i].Name} must have shape {new Shape(specs[i].Shape)} but has {parameters[i].Shape}.");
        Options = options;
        int next = 0;
        Linear<T> Take() => new(parameters[next++], parameters[next++]);
        _encoderHidden = options.HiddenSizes.Select(_ => Take()).ToArray();
        _mu = Take();
        _logVar = Take();
        _decoderHidden = options.HiddenSizes.Select(_ => Take()).ToArray();
        _output = Take();
    }

    /// <summary>The architecture.</summary>
    public VaeOptions Options { get; }

    /// <summary>The encoder q(z|x) = N(mu(x), diag(exp(logVar(x)))): hidden layers, then two linear heads.</summary>
    public (Var<T> Mu, Var<T> LogVar) Encode(Var<T> x)
    {
        var h = x;
        foreach (var layer in _encoderHidden) h = layer.Forward(h, Options.Activation);
        return (_mu.Forward(h), _logVar.Forward(h));
    }

    /// <summary>The decoder: z → hidden layers → logits over pixels (p(x|z) = Bernoulli(sigmoid(logits)), or the Gaussian mean sigmoid(logits)).</summary>
    public Var<T> Decode(Var<T> z)
    {
        var h = z;
        foreach (var layer in _decoderHidden) h = layer.Forward(h, Options.Activation);
        return _output.Forward(h);
    }

    /// <summary>Pixel means E[x | z] = sigmoid(logits), for pictures.</summary>
    public Var<T> DecodeMeans(Var<T> z) => Ops.Map<T, SigmoidOperator>(Decode(z));

    /// <summary>log p(x | z) per example [B], from the decoder's logits.</summary>
    public Var<T> LogLikelihood(Var<T> logits, Var<T> x) => Options.Likelihood switch
    {
        // Bernoulli: log p(x|z) = −Σⱼ BCE(logitⱼ, xⱼ), in the stable form from logits.
        Likelihood.Bernoulli => Ops.BernoulliLogLikelihood(logits, x),
        // Gaussian: log p(x|z) = −½ Σⱼ [log 2πσ² + (xⱼ − sigmoid(logitⱼ))² / σ²].
        Likelihood.Gaussian => Ops.GaussianLogLikelihood(x, Ops.Map<T, SigmoidOperator>(logits), Options.GaussianVariance),
        _ => throw new InvalidOperationException($"Unknown likelihood {Options.Likelihood}."),
    };

    /// <summary>
    /// The negative ELBO of a batch with the noise ε given:
    /// z = mu + exp(logVar / 2) ⊙ ε (the reparameterization trick: z is a differentiable function of mu and logVar,
    /// the randomness sits in ε), and −ELBO = Σᵢ [−log p(xᵢ | zᵢ)] + β Σᵢ KL(q(z | xᵢ) ‖ N(0, I)).
    /// </summary>
    public ElboTerms<T> NegativeElbo(Var<T> x, Tensor<T> eps)
    {
        var (mu, logVar) = Encode(x);
        var z = Ops.Reparameterize(mu, logVar, eps);
        return Terms(x, mu, logVar, z);
    }

    /// <summary>The negative ELBO with ε drawn from the Philox normal stream (seed, counterOffset).</summary>
    public ElboTerms<T> NegativeElbo(Var<T> x, ulong seed, ulong counterOffset)
    {
        var (mu, logVar) = Encode(x);
        var z = Ops.Reparameterize(mu, logVar, seed, counterOffset);
        return Terms(x, mu, logVar, z);
    }

    private ElboTerms<T> Terms(Var<T> x, Var<T> mu, Var<T> logVar, Var<T> z)
    {
        var logits = Decode(z);
        // Reconstruction = −Σᵢ log p(xᵢ | zᵢ)
        var reconstruction = -Ops.Sum(LogLikelihood(logits, x));
        // KL = Σᵢ −½ Σⱼ (1 + logVarᵢⱼ − muᵢⱼ² − exp(logVarᵢⱼ))
        var kl = Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar));
        var loss = Options.Beta == 1.0 ? reconstruction + kl : reconstruction + kl * Options.Beta;
        return new ElboTerms<T>(loss, reconstruction, kl);
    }
}
