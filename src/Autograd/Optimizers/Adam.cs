using System.Numerics;
using ScratchVae.Autograd.Layers;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with torch.optim.Adam's exact semantics: with weight decay λ, g ← g + λθ;
/// m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε). One fused pass per
/// parameter buffer (the AdamUpdate primitive) reads θ, g, m, v once and writes θ, m, v once. Moments that fall below
/// the smallest normal number are stored as zero (PyTorch's torch.set_flush_denormal(True)); such a moment cannot move
/// its weight, and subnormal arithmetic is slow on Intel cores (see <see cref="AdamSettings.SmallestNormal{T}"/>).
/// State: "exp_avg" (m) and "exp_avg_sq" (v), PyTorch's names.
/// </summary>
public class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The state names, in order: m, then v.</summary>
    public const string FirstMomentName = "exp_avg", SecondMomentName = "exp_avg_sq";

    /// <summary>Creates the optimizer with zeroed moments (PyTorch's defaults: lr 1e-3, β 0.9 / 0.999, ε 1e-8, no decay).</summary>
    public Adam(IEnumerable<NamedParameter<T>> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : this(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }

    /// <summary>For <see cref="AdamW{T}"/>: <paramref name="decoupled"/> applies the decay to θ directly instead of adding it to g.</summary>
    private protected Adam(IEnumerable<NamedParameter<T>> parameters, double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled)
        : base(parameters, learningRate, FirstMomentName, SecondMomentName)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        DecoupledWeightDecay = decoupled;
        ArgumentChecks.Adam(Settings(1));
    }

    /// <inheritdoc />
    public override string Kind => "adam";

    /// <summary>β1.</summary>
    public double Beta1 { get; }
    /// <summary>β2.</summary>
    public double Beta2 { get; }
    /// <summary>ε.</summary>
    public double Epsilon { get; }
    /// <summary>λ: L2 decay added to the gradient (Adam), or decoupled decay of the weights (AdamW).</summary>
    public double WeightDecay { get; }
    /// <summary>True for AdamW.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <summary>m of parameter <paramref name="index"/> (PyTorch's "exp_avg").</summary>
    public Tensor<T> FirstMoment(int index) => StateOf(0, index);

    /// <summary>v of parameter <paramref name="index"/> (PyTorch's "exp_avg_sq").</summary>
    public Tensor<T> SecondMoment(int index) => StateOf(1, index);

    /// <inheritdoc />
    protected override void Update(int index, Parameter<T> parameter, Tensor<T> gradient)
        => parameter.Device.Backend.AdamUpdate(parameter.Value.Buffer, gradient.Buffer, StateOf(0, index).Buffer, StateOf(1, index).Buffer,
            parameter.Length, Settings(StepCount));

    private AdamSettings Settings(int step) => new(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, step, DecoupledWeightDecay);
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019) as torch.optim.AdamW: θ ← θ · (1 − lr·λ), then the Adam step with the
/// gradient as it is; the decay no longer passes through the moments, so it shrinks every weight by the same
/// fraction whatever its gradient history. Same state and fused pass as <see cref="Adam{T}"/>.
/// </summary>
public sealed class AdamW<T> : Adam<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer (PyTorch's defaults: lr 1e-3, β 0.9 / 0.999, ε 1e-8, λ 1e-2).</summary>
    public AdamW(IEnumerable<NamedParameter<T>> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }

    /// <inheritdoc />
    public override string Kind => "adamw";
}
