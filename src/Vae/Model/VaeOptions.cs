using System.Text.Json.Serialization;

namespace ScratchVae.Vae.Model;

/// <summary>Enum values in JSON as their names only: a number (or a numeric string) is refused, not cast to an undefined value.</summary>
public sealed class StrictEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false) where TEnum : struct, Enum;

/// <summary>The nonlinearity between a VAE's hidden layers.</summary>
[JsonConverter(typeof(StrictEnumConverter<Activation>))]
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
[JsonConverter(typeof(StrictEnumConverter<Likelihood>))]
public enum Likelihood
{
    /// <summary>Independent Bernoulli pixels with probabilities sigmoid(logits): the loss is BCE on the logits.</summary>
    Bernoulli,
    /// <summary>Independent Gaussian pixels with mean sigmoid(logits) and a fixed variance: the loss is a scaled squared error.</summary>
    Gaussian,
}

/// <summary>How weights are drawn at the start of training.</summary>
[JsonConverter(typeof(StrictEnumConverter<Initialization>))]
public enum Initialization
{
    /// <summary>nn.Linear's default: weight and bias ~ U(−1/√fan_in, 1/√fan_in).</summary>
    PyTorch,
    /// <summary>Xavier/Glorot uniform: weight ~ U(±√(6/(fan_in + fan_out))), bias 0.</summary>
    Xavier,
    /// <summary>He/Kaiming uniform for ReLU: weight ~ U(±√(6/fan_in)), bias 0.</summary>
    Kaiming,
    /// <summary>The naive baseline: weight ~ N(0, 1) whatever the layer's size, bias 0 (see <c>demo init</c>).</summary>
    Normal,
}

/// <summary>What the encoder and decoder are made of.</summary>
[JsonConverter(typeof(StrictEnumConverter<Architecture>))]
public enum Architecture
{
    /// <summary>Fully connected layers (PyTorch's examples/vae).</summary>
    Mlp,
    /// <summary>
    /// Two stride-2 convolutions (1 → 32 → 64 channels, kernel 4, padding 1) and one hidden linear layer in the encoder,
    /// mirrored by transposed convolutions in the decoder, over square images whose side is a multiple of 4 (28 × 28: the
    /// Keras VAE example's shape).
    /// </summary>
    Conv,
}

/// <summary>
/// The architecture of a VAE: x [D] → hidden layers → {mu, logVar} [Z]; z [Z] → hidden layers (reversed) → logits [D].
/// The defaults are PyTorch's examples/vae: 784 → 400 → 20 → 400 → 784 with ReLU and a Bernoulli decoder.
/// </summary>
public sealed record VaeOptions
{
    /// <summary>Fully connected (the default) or convolutional; a convolutional model has exactly one hidden width.</summary>
    /// <remarks>Left out of config.json when fully connected, so such files read as they did before convolutions.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public Architecture Architecture { get; init; } = Architecture.Mlp;

    /// <summary>The channels of the convolutional architecture's two convolutions (and, reversed, of its decoder).</summary>
    public const int ConvChannels1 = 32, ConvChannels2 = 64, ConvKernel = 4;

    /// <summary>The side S of the square S × S images of a convolutional model (√D), or 0 when D is not a square.</summary>
    [JsonIgnore]
    public int ImageSide
    {
        get
        {
            int side = (int)Math.Round(Math.Sqrt(InputSize));
            return side * side == InputSize ? side : 0;
        }
    }

    /// <summary>The features the convolutional encoder flattens: 64 channels of (S/4) × (S/4) pixels (3136 for 28 × 28).</summary>
    [JsonIgnore]
    public int ConvFeatures => ConvChannels2 * (ImageSide / 4) * (ImageSide / 4);

    /// <summary>"784-400-20" for a fully connected model, "conv 28×28-400-20" for a convolutional one.</summary>
    public string Describe() => Architecture == Architecture.Conv
        ? $"conv {ImageSide}×{ImageSide}-{string.Join("-", HiddenSizes ?? [])}-{LatentSize}"
        : $"{InputSize}-{string.Join("-", HiddenSizes ?? [])}-{LatentSize}";

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

    /// <summary>The largest input, hidden and latent widths accepted (the command line's limits).</summary>
    public const int MaxInputSize = 1 << 24, MaxWidth = 1 << 16, MaxLatentSize = 1 << 12, MaxHiddenLayers = 64;

    /// <summary>The number of weights and biases: Σ over the layers of (in + 1) · out, in 64 bits.</summary>
    [JsonIgnore]
    public long ParameterCount
    {
        get
        {
            if (Architecture == Architecture.Conv) return ConvParameterCount;
            long count = 0;
            int width = InputSize;
            foreach (int size in HiddenSizes ?? []) { count += (width + 1L) * size; width = size; }
            count += 2 * (width + 1L) * LatentSize;
            width = LatentSize;
            foreach (int size in (HiddenSizes ?? []).Reverse()) { count += (width + 1L) * size; width = size; }
            return count + (width + 1L) * InputSize;
        }
    }

    // conv 1→32, conv 32→64, linear F→H, heads H→Z twice; linear Z→H, linear H→F, deconv 64→32, deconv 32→1 (weights and biases).
    private long ConvParameterCount
    {
        get
        {
            long k = ConvKernel * ConvKernel, hidden = HiddenSizes is [int h] ? h : 0, features = ConvFeatures;
            long encoder = (ConvChannels1 * k + ConvChannels1) + (ConvChannels2 * ConvChannels1 * k + ConvChannels2) + (features + 1) * hidden + 2 * (hidden + 1) * LatentSize;
            long decoder = (LatentSize + 1) * hidden + (hidden + 1) * features + (ConvChannels2 * ConvChannels1 * k + ConvChannels1) + (ConvChannels1 * k + 1);
            return encoder + decoder;
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (InputSize < 1 || InputSize > MaxInputSize) throw new ArgumentException($"The input size must be between 1 and {MaxInputSize}, not {InputSize}.");
        if (LatentSize < 1 || LatentSize > MaxLatentSize) throw new ArgumentException($"The latent size must be between 1 and {MaxLatentSize}, not {LatentSize}.");
        if (HiddenSizes is null || HiddenSizes.Length > MaxHiddenLayers || HiddenSizes.Any(h => h < 1 || h > MaxWidth))
            throw new ArgumentException($"There must be at most {MaxHiddenLayers} hidden layers, each 1 to {MaxWidth} wide, not [{string.Join(", ", HiddenSizes ?? [])}].");
        if (!Enum.IsDefined(Activation) || !Enum.IsDefined(Likelihood) || !Enum.IsDefined(Initialization) || !Enum.IsDefined(Architecture))
            throw new ArgumentException($"Unknown activation, likelihood, initialisation or architecture ({Activation}, {Likelihood}, {Initialization}, {Architecture}).");
        if (Architecture == Architecture.Conv)
        {
            if (ImageSide < 4 || ImageSide % 4 != 0)
                throw new ArgumentException($"The convolutional architecture needs square images whose side is a multiple of 4 (28 × 28 = 784 pixels), not {InputSize} pixels.");
            if (HiddenSizes.Length != 1)
                throw new ArgumentException($"The convolutional architecture has exactly one hidden linear layer (--hidden 400), not [{string.Join(", ", HiddenSizes)}].");
        }
        if (!(GaussianVariance > 0) || double.IsInfinity(GaussianVariance)) throw new ArgumentException($"The Gaussian variance must be finite and > 0, not {GaussianVariance}.");
        if (!(Beta >= 0) || double.IsInfinity(Beta)) throw new ArgumentException($"Beta must be finite and ≥ 0, not {Beta}.");
    }
}
