// Shape legend: B examples in a batch, D pixels (784), H hidden units (400), Z latent dimensions (20).
// x [B, D]; mu, logVar, eps, z [B, Z]; logits [B, D].
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Vae.Model;

/// <summary>The terms of one batch's loss, each summed over the batch (as PyTorch's example reports them).</summary>
/// <param name="Loss">−ELBO with β: Reconstruction + β · Kl; the value to minimise.</param>
/// <param name="Reconstruction">−Σᵢ log p(xᵢ | zᵢ), in nats.</param>
/// <param name="Kl">Σᵢ KL(q(z | xᵢ) ‖ p(z)), in nats.</param>
public sealed record ElboTerms<T>(Var<T> Loss, Var<T> Reconstruction, Var<T> Kl) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// How the KL term enters the training loss when it is not plain β · KL: KL warm-up (a weight the trainer refills
/// before each step, Bowman et al. 2016) and free bits (Kingma et al. 2016: each latent dimension's KL, summed over
/// the batch, counts as at least B · λ, so the optimiser gains nothing from pushing a dimension below λ nats an
/// example). The reported <see cref="ElboTerms{T}.Kl"/> stays the true KL.
/// </summary>
/// <param name="Weight">A one-element constant holding the KL's weight (β · the warm-up factor); null: β.</param>
/// <param name="FreeBits">λ, nats per example and latent dimension; 0: none.</param>
public sealed record KlRegularization<T>(Var<T>? Weight, double FreeBits) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The VAE as a module: the encoder q(z|x), the reparameterization, the decoder p(x|z) and the negative ELBO, built
/// from the engine's layers. Its parameters are named and laid out as PyTorch's layers, in this order: for the fully
/// connected architecture encoder.hidden.0 … n, encoder.mu, encoder.logvar, decoder.hidden.0 … n, decoder.out, each
/// weight [out, in] then bias [out]; for the convolutional one see <see cref="ConvEncoder{T}"/> and <see cref="ConvDecoder{T}"/>. The same class trains in float32 and is gradient-checked in float64 (<c>VaeModel&lt;double&gt;</c>).
/// </summary>
public sealed class VaeModel<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Creates a model with fresh weights from the Philox streams of <paramref name="seed"/>: parameter k of the order
    /// above draws from counter offset k · 2³², in float64 on the host, so every device and dtype starts from the same
    /// numbers (<see cref="Initializer"/>).
    /// </summary>
    public VaeModel(VaeOptions options, Device device, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        options.Validate();
        Options = options;
        var init = new Initializer(device, seed);
        var scheme = options.Initialization switch
        {
            Initialization.Xavier => LinearInitialization.XavierUniform,
            Initialization.Kaiming => LinearInitialization.KaimingUniform,
            Initialization.Normal => LinearInitialization.StandardNormal,
            _ => LinearInitialization.PyTorch,
        };
        if (options.Architecture == Architecture.Conv)
        {
            Encoder = AddModule<VaeEncoder<T>>("encoder", new ConvEncoder<T>(options, init, scheme));
            Decoder = AddModule<VaeDecoder<T>>("decoder", new ConvDecoder<T>(options, init, scheme));
        }
        else
        {
            Encoder = AddModule<VaeEncoder<T>>("encoder", new MlpEncoder<T>(options, init, scheme));
            Decoder = AddModule<VaeDecoder<T>>("decoder", new MlpDecoder<T>(options, init, scheme));
        }
    }

    /// <summary>Creates a model holding <paramref name="weights"/> (a checkpoint's state dict); every name and shape is checked.</summary>
    public VaeModel(VaeOptions options, Device device, StateDict weights) : this(options, device, seed: 0) => LoadStateDict(weights);

    /// <summary>Creates a model from given values, one array per parameter in the order of <see cref="Module{T}.NamedParameters"/>.</summary>
    public VaeModel(VaeOptions options, Device device, IReadOnlyList<T[]> values) : this(options, device, seed: 0) => LoadValues(values);

    /// <summary>The architecture.</summary>
    public VaeOptions Options { get; }

    /// <summary>Where the parameters live.</summary>
    public new Device Device => base.Device!;

    /// <summary>q(z|x): hidden layers (convolutions first, for the convolutional architecture), then the μ and log σ² heads.</summary>
    public VaeEncoder<T> Encoder { get; }

    /// <summary>p(x|z): hidden layers (the encoder's, mirrored), then the output logits.</summary>
    public VaeDecoder<T> Decoder { get; }

    /// <summary>The encoder q(z|x) = N(μ(x), diag(exp(logVar(x)))).</summary>
    public (Var<T> Mu, Var<T> LogVar) Encode(Var<T> x) => Encoder.Forward(x);

    /// <summary>The decoder: z → hidden layers → logits over pixels (p(x|z) = Bernoulli(sigmoid(logits)), or the Gaussian mean sigmoid(logits)).</summary>
    public Var<T> Decode(Var<T> z) => Decoder.Forward(z);

    /// <summary>Pixel means E[x | z] = sigmoid(logits), for pictures.</summary>
    public Var<T> DecodeMeans(Var<T> z) => Ops.Map<T, SigmoidOperator>(Decode(z));

    /// <summary>
    /// q(z|x) of N images given on the host as N × D values, row-major: μ and log σ², N × Z each, on the host. Runs
    /// without recording (<see cref="Tape.NoGrad"/>); the length must be a positive multiple of D.
    /// </summary>
    public (T[] Mu, T[] LogVar) Encode(ReadOnlySpan<T> images)
    {
        int rows = HostRows(images.Length, Options.InputSize, "images");
        using var scope = Tape.NoGrad();
        using var x = Tensor<T>.FromArray(images, Shape.Matrix(rows, Options.InputSize), Device);
        var (mu, logVar) = Encode(Var<T>.Constant(x));
        return (mu.Value.ToArray(), logVar.Value.ToArray());
    }

    /// <summary>
    /// The pixel means sigmoid(logits), N × D on the host, of N latent vectors given on the host as N × Z values,
    /// row-major. Runs without recording; the length must be a positive multiple of Z.
    /// </summary>
    public T[] DecodeMeans(ReadOnlySpan<T> z)
    {
        int rows = HostRows(z.Length, Options.LatentSize, "z");
        using var scope = Tape.NoGrad();
        using var latent = Tensor<T>.FromArray(z, Shape.Matrix(rows, Options.LatentSize), Device);
        return DecodeMeans(Var<T>.Constant(latent)).Value.ToArray();
    }

    private static int HostRows(int length, int width, string name) =>
        length > 0 && length % width == 0 ? length / width
            : throw new ArgumentException($"{name} has {length} values, not a positive multiple of the model's {width} {(name == "z" ? "latent values per row" : "pixels per image")}.", name);

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
    public ElboTerms<T> NegativeElbo(Var<T> x, Tensor<T> eps) => NegativeElbo(x, eps, regularization: null);

    /// <summary>
    /// As <see cref="NegativeElbo(Var{T}, Tensor{T})"/>, with the KL term of the loss regularised by
    /// <paramref name="regularization"/> (KL warm-up, free bits; null: β · KL).
    /// </summary>
    public ElboTerms<T> NegativeElbo(Var<T> x, Tensor<T> eps, KlRegularization<T>? regularization)
    {
        var (mu, logVar) = Encode(x);
        var z = Ops.Reparameterize(mu, logVar, eps);
        return Terms(x, mu, logVar, z, regularization);
    }

    /// <summary>The negative ELBO with ε drawn from the Philox normal stream (seed, counterOffset).</summary>
    public ElboTerms<T> NegativeElbo(Var<T> x, ulong seed, ulong counterOffset)
    {
        var (mu, logVar) = Encode(x);
        var z = Ops.Reparameterize(mu, logVar, seed, counterOffset);
        return Terms(x, mu, logVar, z, regularization: null);
    }

    private ElboTerms<T> Terms(Var<T> x, Var<T> mu, Var<T> logVar, Var<T> z, KlRegularization<T>? regularization)
    {
        var logits = Decode(z);
        // Reconstruction = −Σᵢ log p(xᵢ | zᵢ)
        var reconstruction = -Ops.Sum(LogLikelihood(logits, x));
        // KL = Σᵢ −½ Σⱼ (1 + logVarᵢⱼ − muᵢⱼ² − exp(logVarᵢⱼ))
        var kl = Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar));
        var penalty = regularization is { FreeBits: > 0 } ? FreeBitsKl(mu, logVar, regularization.FreeBits) : kl;
        Var<T> loss;
        if (regularization?.Weight is { } weight) loss = reconstruction + penalty * weight;
        else loss = Options.Beta == 1.0 ? reconstruction + penalty : reconstruction + penalty * Options.Beta;
        return new ElboTerms<T>(loss, reconstruction, kl);
    }

    /// <summary>
    /// Free bits: Σⱼ max(B · λ, KLⱼ), where KLⱼ = Σᵢ −½ (1 + logVarᵢⱼ − muᵢⱼ² − exp(logVarᵢⱼ)) is latent dimension j's KL
    /// summed over the batch of B. max(a, c) is written c + relu(a − c): below the floor the gradient is 0, which is
    /// the point (the dimension is free to carry λ nats an example).
    /// </summary>
    private static Var<T> FreeBitsKl(Var<T> mu, Var<T> logVar, double freeBits)
    {
        var perElement = Ops.Affine(Ops.Exp(logVar) + Ops.Square(mu) - logVar, 0.5, -0.5);
        var perDimension = Ops.Sum(perElement, axis: 0);
        double floor = mu.Shape[0] * freeBits;
        return Ops.Sum(Ops.Affine(Ops.Relu(Ops.Affine(perDimension, 1.0, -floor)), 1.0, floor));
    }

    /// <summary>Copies every parameter to host arrays, in order.</summary>
    public IReadOnlyList<T[]> Snapshot() => Parameters().Select(p => p.Value.ToArray()).ToList();

    /// <summary>Overwrites every parameter from host arrays, in the order of <see cref="Module{T}.NamedParameters"/>.</summary>
    public void LoadValues(IReadOnlyList<T[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var named = NamedParameters();
        if (values.Count != named.Count) throw new ArgumentException($"The model has {named.Count} parameters, got {values.Count} arrays.", nameof(values));
        for (int i = 0; i < values.Count; i++)
            if (values[i].Length != named[i].Parameter.Length)
                throw new ArgumentException($"Parameter {named[i].Name} {named[i].Parameter.Shape} needs {named[i].Parameter.Length} values, got {values[i].Length}.", nameof(values));
        for (int i = 0; i < values.Count; i++) named[i].Parameter.Device.Backend.Upload<T>(values[i], named[i].Parameter.Value.Buffer);
    }

    /// <inheritdoc />
    protected override string Summary => $"VaeModel({Options.Describe()}, {Options.Activation}, {Options.Likelihood})";
}

/// <summary>q(z|x): x [B, D] → μ [B, Z] and log σ² [B, Z]. <see cref="MlpEncoder{T}"/> or <see cref="ConvEncoder{T}"/>.</summary>
public abstract class VaeEncoder<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The μ head.</summary>
    public abstract Linear<T> Mu { get; }

    /// <summary>The log σ² head.</summary>
    public abstract Linear<T> LogVar { get; }

    /// <summary>μ(x) and log σ²(x).</summary>
    public abstract (Var<T> Mu, Var<T> LogVar) Forward(Var<T> x);
}

/// <summary>p(x|z): z [B, Z] → logits [B, D]. <see cref="MlpDecoder{T}"/> or <see cref="ConvDecoder{T}"/>.</summary>
public abstract class VaeDecoder<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The logits of p(x|z), one per pixel.</summary>
    public abstract Var<T> Forward(Var<T> z);
}

/// <summary>
/// q(z|x): x [B, D] → hidden layers with the model's activation → μ [B, Z] and log σ² [B, Z], two linear heads. Its
/// parameters are hidden.0 … n, then mu, then logvar.
/// </summary>
public sealed class MlpEncoder<T> : VaeEncoder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Activation _activation;

    internal MlpEncoder(VaeOptions options, Initializer init, LinearInitialization scheme)
    {
        _activation = options.Activation;
        var layers = new List<Linear<T>>();
        int width = options.InputSize;
        foreach (int size in options.HiddenSizes)
        {
            layers.Add(new Linear<T>(width, size, init, scheme));
            width = size;
        }
        Hidden = AddModule("hidden", new ModuleList<T, Linear<T>>(layers));
        Mu = AddModule("mu", new Linear<T>(width, options.LatentSize, init, scheme));
        LogVar = AddModule("logvar", new Linear<T>(width, options.LatentSize, init, scheme));
    }

    /// <summary>The hidden layers.</summary>
    public ModuleList<T, Linear<T>> Hidden { get; }

    /// <inheritdoc />
    public override Linear<T> Mu { get; }

    /// <inheritdoc />
    public override Linear<T> LogVar { get; }

    /// <summary>h = act(… act(x W₀ᵀ + b₀) …); μ = h W_μᵀ + b_μ; log σ² = h W_logvarᵀ + b_logvar.</summary>
    public override (Var<T> Mu, Var<T> LogVar) Forward(Var<T> x)
    {
        var h = x;
        foreach (var layer in Hidden) h = HiddenActivation.Apply(layer, h, _activation);
        return (Mu.Forward(h), LogVar.Forward(h));
    }
}

/// <summary>p(x|z): z [B, Z] → hidden layers (the encoder's widths reversed) → logits [B, D]. Parameters hidden.0 … n, then out.</summary>
public sealed class MlpDecoder<T> : VaeDecoder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Activation _activation;

    internal MlpDecoder(VaeOptions options, Initializer init, LinearInitialization scheme)
    {
        _activation = options.Activation;
        var layers = new List<Linear<T>>();
        int width = options.LatentSize;
        foreach (int size in options.HiddenSizes.Reverse())
        {
            layers.Add(new Linear<T>(width, size, init, scheme));
            width = size;
        }
        Hidden = AddModule("hidden", new ModuleList<T, Linear<T>>(layers));
        Out = AddModule("out", new Linear<T>(width, options.InputSize, init, scheme));
    }

    /// <summary>The hidden layers.</summary>
    public ModuleList<T, Linear<T>> Hidden { get; }

    /// <summary>The output layer, giving one logit per pixel.</summary>
    public Linear<T> Out { get; }

    /// <summary>logits = act(… act(z W₀ᵀ + b₀) …) W_outᵀ + b_out.</summary>
    public override Var<T> Forward(Var<T> z)
    {
        var h = z;
        foreach (var layer in Hidden) h = HiddenActivation.Apply(layer, h, _activation);
        return Out.Forward(h);
    }
}

/// <summary>The model's configured activation applied in a linear layer's fused bias pass.</summary>
public static class HiddenActivation
{
    /// <summary>act(x Wᵀ + b) for <paramref name="activation"/>.</summary>
    public static Var<T> Apply<T>(Linear<T> layer, Var<T> x, Activation activation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layer);
        return activation switch
        {
            Activation.Relu => layer.Forward<ReluOperator>(x),
            Activation.Tanh => layer.Forward<TanhOperator>(x),
            Activation.Elu => layer.Forward<EluOperator>(x),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
        };
    }

    /// <summary>act(layer(x)) for a layer without a fused activation (a convolution): the layer, then the activation's map.</summary>
    public static Var<T> Apply<T>(Var<T> x, Activation activation, Func<Var<T>, Var<T>> layer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layer);
        var y = layer(x);
        return activation switch
        {
            Activation.Relu => Ops.Map<T, ReluOperator>(y),
            Activation.Tanh => Ops.Map<T, TanhOperator>(y),
            Activation.Elu => Ops.Map<T, EluOperator>(y),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
        };
    }
}
