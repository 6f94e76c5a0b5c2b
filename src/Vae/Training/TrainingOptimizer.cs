using ScratchVae.Autograd.Optimizers;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Training;

/// <summary>The optimizer and learning-rate schedule that <see cref="TrainOptions"/> describe.</summary>
public static class TrainingOptimizer
{
    /// <summary>The optimizer names <see cref="TrainOptions.Optimizer"/> takes.</summary>
    public static readonly string[] Names = ["adam", "adamw", "sgd"];

    /// <summary>The schedule names <see cref="TrainOptions.Schedule"/> takes.</summary>
    public static readonly string[] Schedules = ["constant", "step", "cosine"];

    /// <summary>Creates the optimizer over <paramref name="model"/>'s parameters; <paramref name="totalSteps"/> sizes a cosine schedule.</summary>
    public static Optimizer<float> Create(TrainOptions options, VaeModel<float> model, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        var parameters = model.NamedParameters();
        Optimizer<float> optimizer = options.Optimizer switch
        {
            "adam" => new Adam<float>(parameters, options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay ?? 0),
            "adamw" => new AdamW<float>(parameters, options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay ?? 1e-2),
            "sgd" => new Sgd<float>(parameters, options.LearningRate, options.Momentum, options.Dampening, options.WeightDecay ?? 0, options.Nesterov),
            _ => throw new ArgumentException($"Unknown optimizer '{options.Optimizer}' (one of {string.Join(", ", Names)})."),
        };
        optimizer.Schedule = Schedule(options, totalSteps);
        return optimizer;
    }

    /// <summary>The learning-rate schedule, or null for a constant rate without warm-up.</summary>
    public static LearningRateSchedule? Schedule(TrainOptions options, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(options);
        int warmup = Math.Max(0, options.WarmupSteps);
        LearningRateSchedule? main = options.Schedule switch
        {
            "constant" => null,
            "step" => new StepDecay(options.StepSize, options.Gamma),
            "cosine" => new CosineAnnealing(Math.Max(1, totalSteps - warmup), options.MinimumLearningRate),
            _ => throw new ArgumentException($"Unknown schedule '{options.Schedule}' (one of {string.Join(", ", Schedules)})."),
        };
        if (warmup == 0) return main;
        var linear = new LinearWarmup(warmup, startFactor: 0.1);
        return new WarmupThen(linear, main ?? new StepDecay(int.MaxValue, 1.0));
    }
}
