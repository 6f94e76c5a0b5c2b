using System.Text.Json.Serialization;

namespace ScratchVae.Vae.Model;

/// <summary>The nonlinearity between a VAE's hidden layers.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation
{
    /// <summary>max(x, 0) — PyTorch's example.</summary>
    Relu,
    /// <summary>tanh x.</summary>
    Tanh,
    /// <summary>x for x &gt; 0, eˣ − 1 otherwise.</summary>
    Elu,
}

/// <summary>The decoder's observation model p(x|z).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Likelihood>))]
public enum Likelihood
{
    /// <summary>Independent Bernoulli pixels with probabilities sigmoid(logits): the loss is BCE on the logits.</summary>
    Bernoulli,
    /// <summary>Independent Gaussian pixels with mean sigmoid(logits) and a fixed variance: the loss is a scaled squared error.</summary>
    Gaussian,
}

/// <summary>How weights are drawn at the start of training.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Initialization>))]
public enum Initialization
{
    /// <summary>nn.Linear's default: weight and bias ~ U(−1/√fan_in, 1/√fan_in).</summary>
    PyTorch,
    /// <summary>Xavier/Glorot uniform: weight ~ U(±√(6/(fan_in + fan_out))), bias 0.</summary>
    Xavier,
    /// <summary>He/Kaiming uniform for ReLU: weight ~ U(±√(6/fan_in)), bias 0.</summary>
    Kaiming,
}

/// <summary>
/// The architecture of a VAE: x [D] → hidden layers → {mu, logVar} [Z]; z [Z] → hidden layers (reversed) → logits [D].
/// The defaults are PyTorch's examples/vae: 784 → 400 → 20 → 400 → 784 with ReLU and a Bernoulli decoder.
/// </summary>
public sealed record VaeOptions
{
    /// <summary>D: pixels per image.</summary>
    public int InputSize { get; init; } = 784;

    /// <summary>Widths of the encoder's hidden layers; the decoder mirrors them.</summary>
    public int[] HiddenSizes { get; init; } = [400];

    /// <summary>Z: latent dimensions.</summary>
    public int LatentSize { get; init; } = 20;

    /// <summary>The hidden layers' nonlinearity.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>The decoder's observation model.</summary>
    public Likelihood Likelihood { get; init; } = Likelihood.Bernoulli;

    /// <summary>σ² of the Gaussian likelihood (ignored for Bernoulli).</summary>
    public double GaussianVariance { get; init; } = 1.0;

    /// <summary>β: the weight of the KL term in the loss (1 = the ELBO).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>How weights are initialised.</summary>
    public Initialization Initialization { get; init; } = Initialization.PyTorch;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (InputSize < 1) throw new ArgumentException($"The input size must be ≥ 1, not {InputSize}.");
        if (LatentSize < 1) throw new ArgumentException($"The latent size must be ≥ 1, not {LatentSize}.");
        if (HiddenSizes is null || HiddenSizes.Any(h => h < 1)) throw new ArgumentException($"Hidden layer sizes must all be ≥ 1, not [{string.Join(", ", HiddenSizes ?? [])}].");
        if (!(GaussianVariance > 0) || double.IsInfinity(GaussianVariance)) throw new ArgumentException($"The Gaussian variance must be finite and > 0, not {GaussianVariance}.");
        if (!(Beta >= 0) || double.IsInfinity(Beta)) throw new ArgumentException($"Beta must be finite and ≥ 0, not {Beta}.");
    }
}
