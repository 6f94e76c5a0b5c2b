namespace ScratchVae.Autograd.Optimizers;

/// <summary>
/// A learning rate as a function of the step count t = 0, 1, … (the number of scheduler steps taken, PyTorch's
/// <c>last_epoch</c>) and the initial rate lr₀, in closed form. Set one as <see cref="Optimizer{T}.Schedule"/> to apply
/// it before every optimizer step, or set <see cref="Optimizer{T}.LearningRate"/> from <see cref="At"/> once per epoch.
/// Each one matches its torch.optim.lr_scheduler namesake step for step (golden-tested).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate after <paramref name="step"/> scheduler steps, starting from <paramref name="initial"/>.</summary>
    public abstract double At(int step, double initial);
}

/// <summary>StepLR: lr = lr₀ · γ^⌊t / stepSize⌋ (decay by γ every <see cref="StepSize"/> steps).</summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>Decays by <paramref name="gamma"/> every <paramref name="stepSize"/> steps (PyTorch's default γ 0.1).</summary>
    public StepDecay(int stepSize, double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma >= 0) || double.IsInfinity(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "StepDecay: gamma must be finite and ≥ 0.");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }
    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double At(int step, double initial) => initial * Math.Pow(Gamma, Math.Max(step, 0) / StepSize);
}

/// <summary>
/// CosineAnnealingLR: lr = lr_min + (lr₀ − lr_min) · (1 + cos(π t / T)) / 2, from lr₀ at t = 0 down to lr_min at
/// t = T (and, as PyTorch's closed form, back up again after T).
/// </summary>
public sealed class CosineAnnealing : LearningRateSchedule
{
    /// <summary>Anneals over <paramref name="totalSteps"/> = T down to <paramref name="minimum"/> = lr_min.</summary>
    public CosineAnnealing(int totalSteps, double minimum = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        if (!(minimum >= 0) || double.IsInfinity(minimum)) throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "CosineAnnealing: the minimum must be finite and ≥ 0.");
        TotalSteps = totalSteps;
        Minimum = minimum;
    }

    /// <summary>T.</summary>
    public int TotalSteps { get; }
    /// <summary>lr_min.</summary>
    public double Minimum { get; }

    /// <inheritdoc />
    public override double At(int step, double initial) => Minimum + (initial - Minimum) * (1 + Math.Cos(Math.PI * Math.Max(step, 0) / TotalSteps)) / 2;
}

/// <summary>
/// LinearLR, the usual warm-up: lr = lr₀ · (s + (e − s) · min(t, W) / W), rising linearly from s · lr₀ to e · lr₀ over W
/// steps, then staying there. Follow it with another schedule through <see cref="WarmupThen"/>.
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    /// <summary>Warms up over <paramref name="steps"/> = W from <paramref name="startFactor"/> = s to <paramref name="endFactor"/> = e (PyTorch's defaults 1/3 and 1).</summary>
    public LinearWarmup(int steps, double startFactor = 1.0 / 3, double endFactor = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "LinearWarmup: the start factor must be in (0, 1].");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "LinearWarmup: the end factor must be in [0, 1].");
        Steps = steps;
        StartFactor = startFactor;
        EndFactor = endFactor;
    }

    /// <summary>W.</summary>
    public int Steps { get; }
    /// <summary>s.</summary>
    public double StartFactor { get; }
    /// <summary>e.</summary>
    public double EndFactor { get; }

    /// <inheritdoc />
    public override double At(int step, double initial) => initial * (StartFactor + (EndFactor - StartFactor) * Math.Min(Math.Max(step, 0), Steps) / Steps);
}

/// <summary>
/// A warm-up followed by another schedule (PyTorch's SequentialLR with one milestone at W): t &lt; W follows the
/// warm-up, t ≥ W follows <see cref="Then"/> at t − W, so e.g. a cosine starts from lr₀ right after the warm-up.
/// </summary>
public sealed class WarmupThen : LearningRateSchedule
{
    /// <summary>Runs <paramref name="warmup"/> for its W steps, then <paramref name="then"/>.</summary>
    public WarmupThen(LinearWarmup warmup, LearningRateSchedule then)
    {
        Warmup = warmup ?? throw new ArgumentNullException(nameof(warmup));
        Then = then ?? throw new ArgumentNullException(nameof(then));
    }

    /// <summary>The warm-up.</summary>
    public LinearWarmup Warmup { get; }
    /// <summary>What follows it.</summary>
    public LearningRateSchedule Then { get; }

    /// <inheritdoc />
    public override double At(int step, double initial) => step < Warmup.Steps ? Warmup.At(step, initial) : Then.At(step - Warmup.Steps, initial);
}
