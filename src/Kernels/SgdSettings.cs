namespace ScratchVae.Kernels;

/// <summary>
/// The hyper-parameters of one SGD step, with torch.optim.SGD's meaning (PyTorch 1.13, maximize off):
/// g ← g + λθ; with momentum μ ≠ 0, b ← g on the first step (torch clones the gradient into a new buffer, so
/// no dampening then) and b ← μ b + (1 − dampening) g after it, then g ← g + μ b with Nesterov or g ← b without;
/// finally θ ← θ − lr · g.
/// </summary>
/// <param name="LearningRate">lr, finite and ≥ 0.</param>
/// <param name="Momentum">μ (default 0: plain SGD, no momentum buffer needed).</param>
/// <param name="Dampening">The share of the gradient held back from the momentum buffer after the first step (default 0).</param>
/// <param name="WeightDecay">λ, L2 penalty added to the gradient (default 0).</param>
/// <param name="Nesterov">Nesterov momentum: step along g + μ b rather than b; needs μ &gt; 0 and zero dampening, as in torch.</param>
/// <param name="FirstStep">
/// True on the first step with momentum, when the buffer's old contents are not read: it is set to the gradient.
/// </param>
public readonly record struct SgdSettings(double LearningRate, double Momentum = 0, double Dampening = 0, double WeightDecay = 0,
    bool Nesterov = false, bool FirstStep = false);
