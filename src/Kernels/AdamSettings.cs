namespace ScratchVae.Kernels;

/// <summary>
/// The hyper-parameters of one Adam step, with torch.optim.Adam's meaning:
/// g ← g + λθ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).
/// With <see cref="DecoupledWeightDecay"/>, torch.optim.AdamW's instead: θ ← θ · (1 − lr·λ) first, then the same
/// step with the gradient left as it is (g is not changed by λ).
/// One deviation, in every backend: a moment whose magnitude falls below the smallest normal number of the element
/// type is stored as zero (<see cref="SmallestNormal{T}"/>).
/// </summary>
/// <param name="LearningRate">lr (PyTorch default 1e-3).</param>
/// <param name="Beta1">β1 (default 0.9).</param>
/// <param name="Beta2">β2 (default 0.999).</param>
/// <param name="Epsilon">ε, added after the bias-corrected √v (default 1e-8).</param>
/// <param name="WeightDecay">
/// λ (default 0): an L2 penalty added to the gradient, or with <paramref name="DecoupledWeightDecay"/> the rate at
/// which the weights shrink, θ ← θ · (1 − lr·λ) (AdamW's default is 1e-2).
/// </param>
/// <param name="Step">t, the 1-based number of this step, for the bias corrections.</param>
/// <param name="DecoupledWeightDecay">
/// False (default): torch.optim.Adam's L2 form. True: torch.optim.AdamW's decoupled form (Loshchilov and Hutter),
/// where λ shrinks θ directly and never reaches m or v.
/// </param>
public readonly record struct AdamSettings(double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, int Step,
    bool DecoupledWeightDecay = false)
{
    /// <summary>PyTorch's defaults at step <paramref name="step"/>.</summary>
    public static AdamSettings Default(int step) => new(1e-3, 0.9, 0.999, 1e-8, 0.0, step);

    /// <summary>
    /// The smallest positive normal number of T (2⁻¹²⁶ for float, 2⁻¹⁰²² for double): Adam's moments below it are
    /// stored as zero, as PyTorch does after torch.set_flush_denormal(True).
    /// <para>
    /// Why. A weight whose gradient stays zero (a ReLU unit that no longer fires, a pixel that is 0 in every image of
    /// the batches) keeps a first moment that shrinks by β1 = 0.9 a step and crosses into the subnormal range after
    /// about 800 steps. On Intel cores every vector instruction that reads or produces subnormals takes a microcode
    /// assist of a hundred cycles or more: on Fashion-MNIST, 130,445 of the first layer's 313,600 first moments were
    /// subnormal after 3 epochs (166 of 400 hidden units had stopped firing), and epoch 3 took 1.90 s against
    /// epoch 2's 1.53–1.56. Such a moment cannot move its weight: its update is below lr · 2⁻¹²⁶ / ε ≈ 1e-33, far
    /// under half an ulp of any weight larger than 1e-26, so the weights are the same bits either way.
    /// </para>
    /// </summary>
    public static T SmallestNormal<T>() where T : System.Numerics.IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? T.CreateTruncating(1.17549435e-38f)
        : typeof(T) == typeof(double) ? T.CreateTruncating(2.2250738585072014e-308)
        : T.Epsilon;
}
