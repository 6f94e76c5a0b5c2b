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
    private static readonly string[] Valued = ["data", "architecture", "epochs", "batch", "lr", "hidden", "latent", "likelihood", "variance", "beta",
        "activation", "init", "optimizer", "weight-decay", "beta1", "beta2", "eps", "momentum", "dampening", "schedule", "warmup",
        "step-size", "gamma", "min-lr", "clip-norm", "kl-warmup", "free-bits", "device", "seed", "threads", "out", "limit", "log-steps"];
    private static readonly string[] Switches = ["resume", "no-images", "nesterov"];

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var flags = Flags.Parse("train", args, Valued, Switches);
        var model = ModelOptions(flags);
        var training = TrainingOptions(flags);
        string output = flags.String("out", "runs/latest");
        if (string.IsNullOrWhiteSpace(output)) throw new UsageException("train: --out needs a folder name.");
        bool resume = flags.Has("resume");
        bool images = !flags.Has("no-images");
        int logSteps = flags.Int("log-steps", 0, 0);

        var device = CommandSupport.OpenDevice(training.Device, training.Threads);
        var data = DataSources.Load(training.Data);
        if (training.Limit is int limit) data = data with { Train = data.Train.Take(limit), Test = data.Test.Take(limit) };
        if (data.Train.Count == 0 || data.Test.Count == 0)
            throw new DataFormatException(data.Name, $"it holds {data.Train.Count} training and {data.Test.Count} test images; training needs both");
        if (data.Train.PixelsPerImage != model.InputSize && !resume)
            throw new DataFormatException(data.Name, $"its images have {data.Train.PixelsPerImage} pixels but the model expects {model.InputSize}");

        if (resume && !Directory.Exists(output)) throw new CheckpointException(output, "no such checkpoint folder");
        // One trainer per folder, checked (and the folder found writable) before any work; what a killed save left
        // behind goes now.
        using var folderLock = TrainingLock.Acquire(output);
        if (folderLock.PreviousOwner is not null)
            Console.Error.WriteLine($"note: took over the lock of {output} from a trainer that did not finish ({folderLock.PreviousOwner})");
        CheckpointStore.RemoveStale(output);

        if (resume)
        {
            // The checkpoint's architecture wins; flags that contradict it are an error rather than silently ignored.
            var info = Checkpoint.ReadInfo(output);
            var saved = info.Model;
            var differing = new (string Flag, bool Differs)[]
            {
                ("architecture", model.Architecture != saved.Architecture), ("hidden", !model.HiddenSizes.SequenceEqual(saved.HiddenSizes)), ("latent", model.LatentSize != saved.LatentSize),
                ("likelihood", model.Likelihood != saved.Likelihood), ("variance", model.GaussianVariance != saved.GaussianVariance),
                ("beta", model.Beta != saved.Beta), ("activation", model.Activation != saved.Activation), ("init", model.Initialization != saved.Initialization),
            }.Where(f => f.Differs && flags.Has(f.Flag)).Select(f => "--" + f.Flag).ToList();
            if (differing.Count > 0)
                throw new UsageException($"train --resume: {string.Join(", ", differing)} contradict{(differing.Count == 1 ? "s" : "")} the architecture of the checkpoint in {output} " +
                    $"({saved.Describe()} {saved.Activation} {saved.Likelihood}, beta {saved.Beta}); drop them or train into a new --out folder.");
            // The training settings are the checkpoint's too, unless a flag changes them (a lower --lr to fine-tune, say);
            // only a change that the saved optimizer state cannot follow is refused.
            var run = info.Training;
            if (flags.Has("optimizer") && training.Optimizer != run.Optimizer)
                throw new UsageException($"train --resume: the checkpoint in {output} was trained with --optimizer {run.Optimizer}, whose state cannot continue as {training.Optimizer}; train into a new --out folder.");
            if (flags.Has("momentum") && (training.Momentum == 0) != (run.Momentum == 0))
                throw new UsageException($"train --resume: --momentum {training.Momentum.ToString(System.Globalization.CultureInfo.InvariantCulture)} would {(run.Momentum == 0 ? "need a momentum buffer the checkpoint does not have" : "drop the checkpoint's momentum buffer")}; train into a new --out folder.");
            if (info.BatchesDone > 0 && flags.Has("batch") && training.BatchSize != run.BatchSize)
                throw new UsageException($"train --resume: the checkpoint in {output} stopped inside an epoch, after {info.BatchesDone} batches of {run.BatchSize}; it can only continue with --batch {run.BatchSize}.");
            // The weights must be the architecture's size before anything is allocated from config.json.
            Checkpoint.ReadWeights(output, info);
            model = info.Model;
            training = run with
            {
                Epochs = training.Epochs, Data = training.Data, Device = training.Device, Threads = training.Threads, Limit = training.Limit,
                BatchSize = flags.Has("batch") ? training.BatchSize : run.BatchSize,
                Seed = flags.Has("seed") ? training.Seed : run.Seed,
                LearningRate = flags.Has("lr") ? training.LearningRate : run.LearningRate,
                WeightDecay = flags.Has("weight-decay") ? training.WeightDecay : run.WeightDecay,
                Beta1 = flags.Has("beta1") ? training.Beta1 : run.Beta1,
                Beta2 = flags.Has("beta2") ? training.Beta2 : run.Beta2,
                Epsilon = flags.Has("eps") ? training.Epsilon : run.Epsilon,
                Momentum = flags.Has("momentum") ? training.Momentum : run.Momentum,
                Dampening = flags.Has("dampening") ? training.Dampening : run.Dampening,
                Nesterov = flags.Has("nesterov") || run.Nesterov,
                Schedule = flags.Has("schedule") ? training.Schedule : run.Schedule,
                WarmupSteps = flags.Has("warmup") ? training.WarmupSteps : run.WarmupSteps,
                StepSize = flags.Has("step-size") ? training.StepSize : run.StepSize,
                Gamma = flags.Has("gamma") ? training.Gamma : run.Gamma,
                MinimumLearningRate = flags.Has("min-lr") ? training.MinimumLearningRate : run.MinimumLearningRate,
                ClipNorm = flags.Has("clip-norm") ? training.ClipNorm : run.ClipNorm,
                KlWarmupEpochs = flags.Has("kl-warmup") ? training.KlWarmupEpochs : run.KlWarmupEpochs,
                FreeBits = flags.Has("free-bits") ? training.FreeBits : run.FreeBits,
            };
        }
        CheckArchitecture("train", model);
        TrainingMemory.Check(model, training.BatchSize, data, device);
        using var trainer = new Trainer(model, training, data, device);
        if (resume)
        {
            trainer.Restore(output);
            Console.WriteLine($"resumed from {output} after epoch {trainer.EpochsCompleted}" +
                              (trainer.BatchesDone > 0 ? $" and {trainer.BatchesDone} batches of epoch {trainer.EpochsCompleted + 1}" : "") + $" (step {trainer.Optimizer.StepCount})");
        }
        Console.WriteLine($"device {device.Name} ({device.Description}); data {data.Name}: {data.Train.Count} train, {data.Test.Count} test; " +
                          $"model {model.Describe()} {model.Activation.ToString().ToLowerInvariant()} {model.Likelihood.ToString().ToLowerInvariant()}");

        using var signals = new TrainingSignals();
        var progress = new ConsoleProgress(training.Epochs, logSteps);
        while (trainer.EpochsCompleted < training.Epochs)
        {
            EpochMetrics? metrics;
            try
            {
                metrics = trainer.RunEpoch(progress, signals.Interrupt);
                if (metrics is null)
                {
                    signals.Save(() => trainer.SaveCheckpoint(output, interrupted: true));
                    Console.Error.WriteLine($"saved to {output} at step {trainer.Optimizer.StepCount} (epoch {trainer.EpochsCompleted} complete, " +
                                            $"{trainer.BatchesDone} batches into epoch {trainer.EpochsCompleted + 1}); continue with --resume");
                    return 130;
                }
                Console.WriteLine(metrics.ToLine());
                signals.Save(() =>
                {
                    trainer.SaveCheckpoint(output);
                    if (images) Pictures.WriteTrainingPictures(trainer, output);
                });
            }
            catch (NonFiniteLossException exception)
            {
                Console.Error.WriteLine($"scratchvae: {exception.Message} {LastGood(output)}");
                return 1;
            }
            if (signals.Interrupt.IsCancellationRequested)
            {
                Console.Error.WriteLine($"saved to {output} at step {trainer.Optimizer.StepCount} (epoch {trainer.EpochsCompleted} complete); continue with --resume");
                return 130;
            }
        }
        Console.WriteLine($"wrote {output}: {Checkpoint.ModelFile}, {Checkpoint.OptimizerFile}, {Checkpoint.ConfigFile}, {Checkpoint.MetricsFile}" + (images ? ", samples.png, reconstructions.png, loss.png" : ""));
        return 0;
    }

    // What a failed run leaves: the checkpoint saved before it, if there is one.
    private static string LastGood(string output)
    {
        try
        {
            var info = Checkpoint.ReadInfo(output);
            return $"The last good checkpoint was kept: {output}, epoch {info.Epoch}, step {info.Step}.";
        }
        catch (CheckpointException)
        {
            return $"No checkpoint had been saved in {output} yet.";
        }
    }

    /// <summary>The training flags of train (everything but the architecture and the output).</summary>
    public static TrainOptions TrainingOptions(Flags flags)
    {
        var training = new TrainOptions
        {
            Data = flags.String("data", "mnist"),
            Epochs = flags.Int("epochs", 10, 1, 100_000),
            BatchSize = flags.Int("batch", 128, 1, 1 << 16),
            Optimizer = flags.Choice("optimizer", "adam", TrainingOptimizer.Names),
            LearningRate = flags.Double("lr", 1e-3, 0, 10, exclusiveMin: true),
            WeightDecay = flags.Has("weight-decay") ? flags.Double("weight-decay", 0, 0, 10) : null,
            Beta1 = flags.Double("beta1", 0.9, 0, 0.999999),
            Beta2 = flags.Double("beta2", 0.999, 0, 0.999999),
            Epsilon = flags.Double("eps", 1e-8, 0, 1),
            Momentum = flags.Double("momentum", 0, 0, 0.999999),
            Dampening = flags.Double("dampening", 0, 0, 1),
            Nesterov = flags.Has("nesterov"),
            Schedule = flags.Choice("schedule", "constant", TrainingOptimizer.Schedules),
            WarmupSteps = flags.Int("warmup", 0, 0),
            StepSize = flags.Int("step-size", 1000, 1),
            Gamma = flags.Double("gamma", 0.1, 0, 1),
            MinimumLearningRate = flags.Double("min-lr", 0, 0, 10),
            ClipNorm = flags.Has("clip-norm") ? flags.Double("clip-norm", 1, 0, 1e12, exclusiveMin: true) : null,
            KlWarmupEpochs = flags.Int("kl-warmup", 0, 0, 100_000),
            FreeBits = flags.Double("free-bits", 0, 0, 1e6),
            Seed = (ulong)flags.Int("seed", 1, 0),
            Device = flags.String("device", "auto"),
            Threads = flags.OptionalInt("threads", 1),
            Limit = flags.OptionalInt("limit", 1),
        };
        if (training.Optimizer != "sgd")
            foreach (string sgdOnly in new[] { "momentum", "dampening", "nesterov" })
                if (flags.Has(sgdOnly)) throw new UsageException($"train: --{sgdOnly} is a setting of --optimizer sgd, not of {training.Optimizer}.");
        if (training.Optimizer == "sgd")
            foreach (string adamOnly in new[] { "beta1", "beta2", "eps" })
                if (flags.Has(adamOnly)) throw new UsageException($"train: --{adamOnly} is a setting of --optimizer adam or adamw, not of sgd.");
        if (training.Nesterov && (training.Momentum <= 0 || training.Dampening != 0))
            throw new UsageException($"train: --nesterov needs --momentum > 0 and no --dampening (got momentum {training.Momentum.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        if (training.Schedule != "step" && (flags.Has("step-size") || flags.Has("gamma")))
            throw new UsageException("train: --step-size and --gamma are settings of --schedule step.");
        if (training.Schedule != "cosine" && flags.Has("min-lr"))
            throw new UsageException("train: --min-lr is a setting of --schedule cosine.");
        return training;
    }

    /// <summary>The architecture flags shared by train and gradcheck.</summary>
    public static VaeOptions ModelOptions(Flags flags)
    {
        return new VaeOptions
        {
            Architecture = flags.Choice("architecture", "mlp", "mlp", "conv") == "conv" ? Architecture.Conv : Architecture.Mlp,
            HiddenSizes = HiddenSizes(flags, "hidden", [400]),
            LatentSize = flags.Int("latent", 20, 1, 1 << 12),
            Likelihood = flags.Choice("likelihood", "bernoulli", "bernoulli", "gaussian") == "gaussian" ? Likelihood.Gaussian : Likelihood.Bernoulli,
            GaussianVariance = flags.Double("variance", 1.0, 0, 1e6, exclusiveMin: true),
            Beta = flags.Double("beta", 1.0, 0, 1e6),
            Activation = flags.Choice("activation", "relu", "relu", "tanh", "elu") switch { "tanh" => Activation.Tanh, "elu" => Activation.Elu, _ => Activation.Relu },
            Initialization = flags.Choice("init", "pytorch", "pytorch", "xavier", "kaiming") switch { "xavier" => Initialization.Xavier, "kaiming" => Initialization.Kaiming, _ => Initialization.PyTorch },
        };
    }

    /// <summary>Refuses a convolutional model whose images or hidden layers do not fit the fixed architecture, naming the flag.</summary>
    public static void CheckArchitecture(string verb, VaeOptions model)
    {
        if (model.Architecture != Architecture.Conv) return;
        if (model.ImageSide < 4 || model.ImageSide % 4 != 0)
            throw new UsageException($"{verb}: --architecture conv needs square images whose side is a multiple of 4 (28 × 28), not {model.InputSize} pixels.");
        if (model.HiddenSizes.Length != 1)
            throw new UsageException($"{verb}: --architecture conv has one hidden linear layer, so --hidden takes one width (e.g. 400), not {string.Join(",", model.HiddenSizes)}.");
    }

    /// <summary>
    /// A comma-separated list of hidden widths, e.g. <c>--hidden 1024,768,512</c> (the encoder's layers, in order; the
    /// decoder mirrors them), or <paramref name="fallback"/> when the flag is absent.
    /// </summary>
    public static int[] HiddenSizes(Flags flags, string name, int[] fallback)
    {
        if (!flags.Has(name)) return fallback;
        string text = flags.String(name, "");
        var parts = text.Split(',');
        if (parts.Length > 64) throw new UsageException($"--{name} lists {parts.Length} layers; at most 64 are allowed.");
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 1 << 16)
                throw new UsageException($"--{name} needs whole numbers from 1 to {1 << 16} separated by commas (e.g. 1024,768,512), not '{text}'.");
        }
        return sizes;
    }
}
