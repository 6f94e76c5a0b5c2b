using ScratchVae.Tensors;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Images;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae train</c>: trains a VAE, printing one line per epoch and writing a checkpoint folder after each
/// epoch (weights, Adam state, configuration, metrics, pictures).
/// </summary>
public static class TrainCommand
{
    private static readonly string[] Valued = ["data", "epochs", "batch", "lr", "hidden", "latent", "likelihood", "variance", "beta",
        "activation", "init", "weight-decay", "device", "seed", "threads", "out", "limit", "log-steps"];
    private static readonly string[] Switches = ["resume", "no-images"];

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var flags = Flags.Parse("train", args, Valued, Switches);
        var model = ModelOptions(flags);
        var training = new TrainOptions
        {
            Data = flags.String("data", "mnist"),
            Epochs = flags.Int("epochs", 10, 1, 100_000),
            BatchSize = flags.Int("batch", 128, 1, 1 << 16),
            LearningRate = flags.Double("lr", 1e-3, 0, 10, exclusiveMin: true),
            WeightDecay = flags.Double("weight-decay", 0, 0, 10),
            Seed = (ulong)flags.Int("seed", 1, 0),
            Device = flags.String("device", "auto"),
            Threads = flags.OptionalInt("threads", 1),
            Limit = flags.OptionalInt("limit", 1),
        };
        string output = flags.String("out", "runs/latest");
        bool resume = flags.Has("resume");
        bool images = !flags.Has("no-images");
        int logSteps = flags.Int("log-steps", 0, 0);

        var device = CommandSupport.OpenDevice(training.Device, training.Threads);
        var data = DataSources.Load(training.Data);
        if (training.Limit is int limit) data = data with { Train = data.Train.Take(limit), Test = data.Test.Take(limit) };

        if (resume)
        {
            // The checkpoint's architecture wins; flags that contradict it are an error rather than silently ignored.
            var info = Checkpoint.ReadInfo(output);
            var saved = info.Model;
            var differing = new (string Flag, bool Differs)[]
            {
                ("hidden", !model.HiddenSizes.SequenceEqual(saved.HiddenSizes)), ("latent", model.LatentSize != saved.LatentSize),
                ("likelihood", model.Likelihood != saved.Likelihood), ("variance", model.GaussianVariance != saved.GaussianVariance),
                ("beta", model.Beta != saved.Beta), ("activation", model.Activation != saved.Activation), ("init", model.Initialization != saved.Initialization),
            }.Where(f => f.Differs && flags.Has(f.Flag)).Select(f => "--" + f.Flag).ToList();
            if (differing.Count > 0)
                throw new UsageException($"train --resume: {string.Join(", ", differing)} contradict{(differing.Count == 1 ? "s" : "")} the architecture of the checkpoint in {output} " +
                    $"({saved.InputSize}-{string.Join("-", saved.HiddenSizes)}-{saved.LatentSize} {saved.Activation} {saved.Likelihood}, beta {saved.Beta}); drop them or train into a new --out folder.");
            model = info.Model;
        }
        using var trainer = new Trainer(model, training, data, device);
        if (resume)
        {
            trainer.Restore(output);
            Console.WriteLine($"resumed from {output} after epoch {trainer.EpochsCompleted} (step {trainer.Optimizer.StepCount})");
        }
        Console.WriteLine($"device {device.Name} ({device.Description}); data {data.Name}: {data.Train.Count} train, {data.Test.Count} test; " +
                          $"model {model.InputSize}-{string.Join("-", model.HiddenSizes)}-{model.LatentSize} {model.Activation.ToString().ToLowerInvariant()} {model.Likelihood.ToString().ToLowerInvariant()}");

        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl-C: finish the current step, save and exit. A second one kills the process as usual.
            if (interrupt.IsCancellationRequested) return;
            e.Cancel = true;
            interrupt.Cancel();
            Console.Error.WriteLine("\ninterrupted: saving the checkpoint after the current step …");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var progress = new ConsoleProgress(training.Epochs, logSteps);
            while (trainer.EpochsCompleted < training.Epochs)
            {
                EpochMetrics? metrics;
                try
                {
                    metrics = trainer.RunEpoch(progress, interrupt.Token);
                }
                catch (NonFiniteLossException exception)
                {
                    Console.Error.WriteLine($"scratchvae: {exception.Message}" + (trainer.EpochsCompleted > 0 ? $" Checkpoint of epoch {trainer.EpochsCompleted} in {output}." : ""));
                    return 1;
                }
                if (metrics is null)
                {
                    trainer.SaveCheckpoint(output, interrupted: true);
                    Console.Error.WriteLine($"saved to {output} at step {trainer.Optimizer.StepCount} (epoch {trainer.EpochsCompleted} complete); continue with --resume");
                    return 130;
                }
                Console.WriteLine(metrics.ToLine());
                trainer.SaveCheckpoint(output);
                if (images) Pictures.WriteTrainingPictures(trainer, output);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        Console.WriteLine($"wrote {output}: {Checkpoint.ModelFile}, {Checkpoint.OptimizerFile}, {Checkpoint.ConfigFile}, {Checkpoint.MetricsFile}" + (images ? ", samples.png, reconstructions.png, loss.png" : ""));
        return 0;
    }

    /// <summary>The architecture flags shared by train and gradcheck.</summary>
    public static VaeOptions ModelOptions(Flags flags)
    {
        int hidden = flags.Int("hidden", 400, 1, 1 << 16);
        return new VaeOptions
        {
            HiddenSizes = [hidden],
            LatentSize = flags.Int("latent", 20, 1, 1 << 12),
            Likelihood = flags.Choice("likelihood", "bernoulli", "bernoulli", "gaussian") == "gaussian" ? Likelihood.Gaussian : Likelihood.Bernoulli,
            GaussianVariance = flags.Double("variance", 1.0, 0, 1e6, exclusiveMin: true),
            Beta = flags.Double("beta", 1.0, 0, 1e6),
            Activation = flags.Choice("activation", "relu", "relu", "tanh", "elu") switch { "tanh" => Activation.Tanh, "elu" => Activation.Elu, _ => Activation.Relu },
            Initialization = flags.Choice("init", "pytorch", "pytorch", "xavier") == "xavier" ? Initialization.Xavier : Initialization.PyTorch,
        };
    }
}
