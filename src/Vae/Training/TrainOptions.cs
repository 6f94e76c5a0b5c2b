namespace ScratchVae.Vae.Training;

/// <summary>How to train: the flags of <c>scratchvae train</c> other than the architecture.</summary>
public sealed record TrainOptions
{
    /// <summary>"mnist" (embedded), "fashion-mnist" (Debian package) or a folder of IDX files.</summary>
    public string Data { get; init; } = "mnist";
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>"adam" (the default, as PyTorch's example), "adamw" or "sgd".</summary>
    public string Optimizer { get; init; } = "adam";
    /// <summary>The (initial) learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>λ: L2 decay added to the gradient (adam, sgd) or decoupled decay of the weights (adamw); null means the optimizer's PyTorch default (0, and 1e-2 for adamw).</summary>
    public double? WeightDecay { get; init; }
    /// <summary>Adam's and AdamW's β1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam's and AdamW's β2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>Adam's and AdamW's ε.</summary>
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>SGD's momentum μ (0: plain SGD).</summary>
    public double Momentum { get; init; }
    /// <summary>SGD's dampening.</summary>
    public double Dampening { get; init; }
    /// <summary>SGD with Nesterov momentum.</summary>
    public bool Nesterov { get; init; }
    /// <summary>"constant", "step" (×<see cref="Gamma"/> every <see cref="StepSize"/> steps) or "cosine" (down to <see cref="MinimumLearningRate"/> at the last step).</summary>
    public string Schedule { get; init; } = "constant";
    /// <summary>Optimizer steps of linear warm-up from lr/10 before the schedule (0: none).</summary>
    public int WarmupSteps { get; init; }
    /// <summary>Optimizer steps between decays of the step schedule.</summary>
    public int StepSize { get; init; } = 1000;
    /// <summary>The step schedule's factor.</summary>
    public double Gamma { get; init; } = 0.1;
    /// <summary>The cosine schedule's final learning rate.</summary>
    public double MinimumLearningRate { get; init; }
    /// <summary>Clip the gradients to this global norm before each step (null: no clipping).</summary>
    public double? ClipNorm { get; init; }
    /// <summary>KL warm-up: the KL term's weight rises linearly, step by step, from 0 to β over this many epochs (0: β from the start).</summary>
    public int KlWarmupEpochs { get; init; }
    /// <summary>Free bits λ, nats per example and latent dimension: a dimension's KL counts as at least λ in the loss (0: none).</summary>
    public double FreeBits { get; init; }
    /// <summary>Seeds initialisation, shuffling and the noise ε.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>"auto", "host", "cuda", "opencl" or "ilgpu-cpu".</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Host threads (null: one per core).</summary>
    public int? Threads { get; init; }
    /// <summary>Use only the first N training and test images (quick runs), or all when null.</summary>
    public int? Limit { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of its range (the command line's ranges).</summary>
    public void Validate()
    {
        static void Range(string name, double value, double min, double max, bool exclusiveMin = false)
        {
            if (!double.IsFinite(value) || value < min || value > max || (exclusiveMin && value == min))
                throw new ArgumentException($"{name} must be {(exclusiveMin ? "> " : "≥ ")}{min.ToString(System.Globalization.CultureInfo.InvariantCulture)} and ≤ {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
        if (string.IsNullOrEmpty(Data)) throw new ArgumentException("The data set is not named.");
        if (string.IsNullOrEmpty(Device)) throw new ArgumentException("The device is not named.");
        Range("epochs", Epochs, 0, 100_000);
        Range("batch_size", BatchSize, 1, 1 << 16);
        if (!TrainingOptimizer.Names.Contains(Optimizer)) throw new ArgumentException($"optimizer must be one of {string.Join(", ", TrainingOptimizer.Names)}, not '{Optimizer}'.");
        if (!TrainingOptimizer.Schedules.Contains(Schedule)) throw new ArgumentException($"schedule must be one of {string.Join(", ", TrainingOptimizer.Schedules)}, not '{Schedule}'.");
        Range("learning_rate", LearningRate, 0, 10, exclusiveMin: true);
        if (WeightDecay is double decay) Range("weight_decay", decay, 0, 10);
        Range("beta1", Beta1, 0, 0.999999);
        Range("beta2", Beta2, 0, 0.999999);
        Range("epsilon", Epsilon, 0, 1);
        Range("momentum", Momentum, 0, 0.999999);
        Range("dampening", Dampening, 0, 1);
        if (Nesterov && (Momentum <= 0 || Dampening != 0)) throw new ArgumentException("nesterov needs a momentum > 0 and no dampening.");
        Range("warmup_steps", WarmupSteps, 0, int.MaxValue);
        Range("step_size", StepSize, 1, int.MaxValue);
        Range("gamma", Gamma, 0, 1);
        Range("minimum_learning_rate", MinimumLearningRate, 0, 10);
        Range("kl_warmup_epochs", KlWarmupEpochs, 0, 100_000);
        Range("free_bits", FreeBits, 0, 1e6);
        if (ClipNorm is double clip) Range("clip_norm", clip, 0, 1e12, exclusiveMin: true);
        if (Threads is int threads) Range("threads", threads, 1, 4096);
        if (Limit is int limit) Range("limit", limit, 1, int.MaxValue);
    }
}
