// Shape legend: B examples, S × S pixels (28 × 28, D = S²), F = 64 · (S/4)² flattened features (3136), H hidden units
// (400), Z latent dimensions (20). x [B, D] is viewed as images [B, 1, S, S] and the logits [B, 1, S, S] as [B, D].
//   encoder  x [B, 1, S, S] → conv 1→32 k4 s2 p1 → [B, 32, S/2, S/2] → conv 32→64 k4 s2 p1 → [B, 64, S/4, S/4] → [B, F]
//            → linear F→H → μ, log σ² [B, Z]
//   decoder  z [B, Z] → linear Z→H → linear H→F → [B, 64, S/4, S/4] → deconv 64→32 k4 s2 p1 → [B, 32, S/2, S/2]
//            → deconv 32→1 k4 s2 p1 → logits [B, 1, S, S]
// Every hidden layer is followed by the model's activation (ReLU by default); the heads and the last deconvolution are not.
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Model;

/// <summary>
/// The convolutional q(z|x). Parameters, named as PyTorch's nn.Conv2d and nn.Linear so that a state dict loads into the
/// same PyTorch model (bench/peers/pytorch_vae.py --architecture conv): conv.0 [32, 1, 4, 4], conv.1 [64, 32, 4, 4],
/// hidden.0 [H, F], mu [Z, H], logvar [Z, H], each followed by its bias.
/// </summary>
public sealed class ConvEncoder<T> : VaeEncoder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Activation _activation;
    private readonly int _side;

    internal ConvEncoder(VaeOptions options, Initializer init, LinearInitialization scheme)
    {
        _activation = options.Activation;
        _side = options.ImageSide;
        int k = VaeOptions.ConvKernel;
        Convolutions = AddModule("conv", new ModuleList<T, Conv2d<T>>(
        [
            new Conv2d<T>(1, VaeOptions.ConvChannels1, k, init, stride: 2, padding: 1),
            new Conv2d<T>(VaeOptions.ConvChannels1, VaeOptions.ConvChannels2, k, init, stride: 2, padding: 1),
        ]));
        int hidden = options.HiddenSizes[0];
        Hidden = AddModule("hidden", new ModuleList<T, Linear<T>>([new Linear<T>(options.ConvFeatures, hidden, init, scheme)]));
        Mu = AddModule("mu", new Linear<T>(hidden, options.LatentSize, init, scheme));
        LogVar = AddModule("logvar", new Linear<T>(hidden, options.LatentSize, init, scheme));
    }

    /// <summary>The two stride-2 convolutions.</summary>
    public ModuleList<T, Conv2d<T>> Convolutions { get; }

    /// <summary>The hidden linear layer F → H.</summary>
    public ModuleList<T, Linear<T>> Hidden { get; }

    /// <inheritdoc />
    public override Linear<T> Mu { get; }

    /// <inheritdoc />
    public override Linear<T> LogVar { get; }

    /// <summary>h = act(W_h · flatten(act(conv₁(act(conv₀(x))))) + b_h); μ = W_μ h + b_μ; log σ² = W_logvar h + b_logvar.</summary>
    public override (Var<T> Mu, Var<T> LogVar) Forward(Var<T> x)
    {
        int batch = x.Shape[0];
        var h = Ops.Reshape(x, new Shape(batch, 1, _side, _side));
        foreach (var convolution in Convolutions) h = HiddenActivation.Apply(h, _activation, convolution.Forward);
        h = Ops.Reshape(h, Shape.Matrix(batch, h.Length / Math.Max(batch, 1)));
        h = HiddenActivation.Apply(Hidden[0], h, _activation);
        return (Mu.Forward(h), LogVar.Forward(h));
    }
}

/// <summary>
/// The convolutional p(x|z), the encoder mirrored. Parameters: hidden.0 [H, Z], hidden.1 [F, H], deconv.0 [64, 32, 4, 4]
/// and deconv.1 [32, 1, 4, 4] (nn.ConvTranspose2d's [in, out, KH, KW]), each followed by its bias.
/// </summary>
public sealed class ConvDecoder<T> : VaeDecoder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Activation _activation;
    private readonly int _side;

    internal ConvDecoder(VaeOptions options, Initializer init, LinearInitialization scheme)
    {
        _activation = options.Activation;
        _side = options.ImageSide;
        int k = VaeOptions.ConvKernel, hidden = options.HiddenSizes[0];
        Hidden = AddModule("hidden", new ModuleList<T, Linear<T>>(
            [new Linear<T>(options.LatentSize, hidden, init, scheme), new Linear<T>(hidden, options.ConvFeatures, init, scheme)]));
        Deconvolutions = AddModule("deconv", new ModuleList<T, ConvTranspose2d<T>>(
        [
            new ConvTranspose2d<T>(VaeOptions.ConvChannels2, VaeOptions.ConvChannels1, k, init, stride: 2, padding: 1),
            new ConvTranspose2d<T>(VaeOptions.ConvChannels1, 1, k, init, stride: 2, padding: 1),
        ]));
    }

    /// <summary>The linear layers Z → H → F.</summary>
    public ModuleList<T, Linear<T>> Hidden { get; }

    /// <summary>The two stride-2 transposed convolutions.</summary>
    public ModuleList<T, ConvTranspose2d<T>> Deconvolutions { get; }

    /// <summary>logits = deconv₁(act(deconv₀(reshape(act(W₁ act(W₀ z + b₀) + b₁))))), viewed as [B, D].</summary>
    public override Var<T> Forward(Var<T> z)
    {
        int batch = z.Shape[0], quarter = _side / 4;
        var h = z;
        foreach (var layer in Hidden) h = HiddenActivation.Apply(layer, h, _activation);
        h = Ops.Reshape(h, new Shape(batch, VaeOptions.ConvChannels2, quarter, quarter));
        h = HiddenActivation.Apply(h, _activation, Deconvolutions[0].Forward);
        h = Deconvolutions[1].Forward(h);
        return Ops.Reshape(h, Shape.Matrix(batch, _side * _side));
    }
}
