using System.Numerics;
using ScratchVae.Autograd.Layers;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Optimizers;

/// <summary>
/// Stochastic gradient descent with torch.optim.SGD's semantics: g ← g + λθ; with momentum μ, the buffer
/// b ← g on the first step and b ← μ b + (1 − dampening) g after it, then g ← g + μ b (Nesterov) or g ← b;
/// finally θ ← θ − lr · g. One fused pass per parameter buffer (the SgdUpdate primitive). State: "momentum_buffer"
/// when μ ≠ 0 (none without momentum).
/// </summary>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The name of the momentum buffer in the state dict (PyTorch's).</summary>
    public const string MomentumBufferName = "momentum_buffer";

    /// <summary>Creates the optimizer (PyTorch's defaults but lr: no momentum, no dampening, no decay, no Nesterov).</summary>
    public Sgd(IEnumerable<NamedParameter<T>> parameters, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, learningRate, momentum != 0 ? [MomentumBufferName] : [])
    {
        if (!(momentum >= 0) || double.IsInfinity(momentum)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Sgd: momentum must be finite and ≥ 0.");
        if (!double.IsFinite(dampening)) throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Sgd: dampening must be finite.");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Sgd: weight decay must be finite and ≥ 0.");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"Sgd: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum {momentum}, dampening {dampening}).", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <inheritdoc />
    public override string Kind => "sgd";

    /// <summary>μ.</summary>
    public double Momentum { get; }
    /// <summary>The dampening of the gradient's share of the buffer.</summary>
    public double Dampening { get; }
    /// <summary>λ, L2 decay added to the gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>True for Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>The momentum buffer of parameter <paramref name="index"/> (null without momentum).</summary>
    public Tensor<T>? MomentumBuffer(int index) => Momentum != 0 ? StateOf(0, index) : null;

    /// <inheritdoc />
    protected override void Update(int index, Parameter<T> parameter, Tensor<T> gradient)
    {
        // torch.optim.SGD creates the buffer from the first gradient (b ← g, no dampening); after a restore the step
        // count says the buffers already hold it.
        var settings = new SgdSettings(LearningRate, Momentum, Dampening, WeightDecay, Nesterov, FirstStep: StepCount == 1);
        parameter.Device.Backend.SgdUpdate(parameter.Value.Buffer, gradient.Buffer, MomentumBuffer(index)?.Buffer, parameter.Length, settings);
    }
}
