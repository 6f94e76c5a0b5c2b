namespace ScratchVae.Kernels;

/// <summary>
/// The hyper-parameters of one Adam step, with torch.optim.Adam's meaning:
/// g ← g + λθ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).
/// </summary>
/// <param name="LearningRate">lr (PyTorch default 1e-3).</param>
/// <param name="Beta1">β1 (default 0.9).</param>
/// <param name="Beta2">β2 (default 0.999).</param>
/// <param name="Epsilon">ε, added after the bias-corrected √v (default 1e-8).</param>
/// <param name="WeightDecay">λ, L2 penalty added to the gradient (default 0).</param>
/// <param name="Step">t, the 1-based number of this step, for the bias corrections.</param>
public readonly record struct AdamSettings(double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, int Step)
{
    /// <summary>PyTorch's defaults at step <paramref name="step"/>.</summary>
    public static AdamSettings Default(int step) => new(1e-3, 0.9, 0.999, 1e-8, 0.0, step);
}
