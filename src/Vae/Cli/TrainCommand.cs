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
    /// <summary>The architecture flags, shared with gradcheck (which gives --hidden and --latent small defaults).</summary>
    public static IReadOnlyList<Flag> ModelFlags { get; } =
    [
        Flag.Choice("architecture", "fully connected (PyTorch's examples/vae) or convolutional (two strided convolutions, as the Keras VAE example)", "mlp", "mlp", "conv"),
        Flag.List("hidden", "hidden widths of the encoder in order, the decoder mirrored (conv: one width)", "400", "W[,W…]"),
        CommonFlags.Latent,
        Flag.Choice("likelihood", "p(x|z): Bernoulli per pixel, or Gaussian with a fixed variance (squared error)", "bernoulli", "bernoulli", "gaussian"),
        Flag.Double("variance", "σ² of the Gaussian likelihood", 1, min: 0, max: 1e6, exclusiveMin: true),
        Flag.Double("beta", "weight β of the KL term (a β-VAE)", 1, min: 0, max: 1e6),
        Flag.Choice("activation", "of the hidden layers", "relu", "relu", "tanh", "elu"),
        Flag.Choice("init", "of the linear layers: PyTorch's default, Xavier/Glorot or He/Kaiming", "pytorch", "pytorch", "xavier", "kaiming"),
    ];

    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("train",
        "trains a VAE: one line per epoch, a checkpoint folder after each (weights, optimizer state, configuration, metrics, pictures)",
        [
            CommonFlags.TrainingData,
            ModelFlags[0],
            Flag.Int("epochs", "passes over the training set", 10, min: 1, max: 100_000),
            CommonFlags.Batch,
            .. ModelFlags.Skip(1),
            Flag.Choice("optimizer", "torch.optim's Adam, AdamW or SGD", "adam", TrainingOptimizer.Names),
            CommonFlags.LearningRate,
            Flag.Double("weight-decay", "L2 penalty (adam, sgd) or decoupled weight decay (adamw)", min: 0, max: 10) with { DefaultNote = "0.01 with adamw, else 0" },
            Flag.Double("beta1", "Adam's β₁, the first moment's decay (adam, adamw)", 0.9, min: 0, max: 0.999999),
            Flag.Double("beta2", "Adam's β₂, the second moment's decay (adam, adamw)", 0.999, min: 0, max: 0.999999),
            Flag.Double("eps", "Adam's ε, added to the root of the second moment (adam, adamw)", 1e-8, min: 0, max: 1),
            Flag.Double("momentum", "SGD's momentum (sgd)", 0, min: 0, max: 0.999999),
            Flag.Double("dampening", "SGD's dampening of the momentum (sgd)", 0, min: 0, max: 1),
            Flag.Switch("nesterov", "Nesterov momentum (sgd; needs --momentum > 0 and no --dampening)"),
            Flag.Choice("schedule", "the learning rate over the optimizer steps", "constant", TrainingOptimizer.Schedules),
            Flag.Int("warmup", "optimizer steps of linear warm-up from lr/10", 0, min: 0),
            Flag.Int("step-size", "optimizer steps between decays (--schedule step)", 1000, min: 1),
            Flag.Double("gamma", "factor of each decay (--schedule step)", 0.1, min: 0, max: 1),
            Flag.Double("min-lr", "the learning rate at the end (--schedule cosine)", 0, min: 0, max: 10) with { Aliases = ["eta-min"] },
            Flag.Double("clip-norm", "clips the gradients to this global norm", min: 0, max: 1e12, exclusiveMin: true) with { DefaultNote = "no clipping", Aliases = ["max-norm"] },
            Flag.Int("kl-warmup", "epochs over which the KL weight rises linearly from 0 to β", 0, min: 0, max: 100_000),
            Flag.Double("free-bits", "each latent dimension's KL counts as at least this many nats per example", 0, min: 0, max: 1e6),
            CommonFlags.Device,
            CommonFlags.Seed,
            CommonFlags.Threads,
            Flag.Path("out", "the checkpoint folder to write (and to --resume)", "runs/latest"),
            Flag.Switch("resume", "continue the run in --out where it stopped, with its architecture and settings"),
            CommonFlags.Limit,
            Flag.Switch("no-images", "do not write samples.png, reconstructions.png and loss.png"),
            Flag.Int("log-steps", "also print 'step S loss L' for the first N optimizer steps", 0, min: 0),
            CommonFlags.Scale with { Help = "draws samples.png, reconstructions.png and loss.png N times larger" },
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        var model = ModelOptions(flags);
        var training = TrainingOptions(flags);
        string output = flags.String("out");
        if (string.IsNullOrWhiteSpace(output)) throw new UsageException("train: --out needs a folder name.");
        bool resume = flags.Has("resume");
        bool images = !flags.Has("no-images");
        int scale = flags.Int("scale");
        int logSteps = flags.Int("log-steps");

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
                    if (images) Pictures.WriteTrainingPictures(trainer, output, scale);
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
            Data = flags.String("data"),
            Epochs = flags.Int("epochs"),
            BatchSize = flags.Int("batch"),
            Optimizer = flags.Choice("optimizer"),
            LearningRate = flags.Double("lr"),
            WeightDecay = flags.OptionalDouble("weight-decay"),
            Beta1 = flags.Double("beta1"),
            Beta2 = flags.Double("beta2"),
            Epsilon = flags.Double("eps"),
            Momentum = flags.Double("momentum"),
            Dampening = flags.Double("dampening"),
            Nesterov = flags.Has("nesterov"),
            Schedule = flags.Choice("schedule"),
            WarmupSteps = flags.Int("warmup"),
            StepSize = flags.Int("step-size"),
            Gamma = flags.Double("gamma"),
            MinimumLearningRate = flags.Double("min-lr"),
            ClipNorm = flags.OptionalDouble("clip-norm"),
            KlWarmupEpochs = flags.Int("kl-warmup"),
            FreeBits = flags.Double("free-bits"),
            Seed = (ulong)flags.Int("seed"),
            Device = flags.String("device"),
            Threads = flags.OptionalInt("threads"),
            Limit = flags.OptionalInt("limit"),
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
            Architecture = flags.Choice("architecture") == "conv" ? Architecture.Conv : Architecture.Mlp,
            HiddenSizes = HiddenSizes(flags, "hidden"),
            LatentSize = flags.Int("latent"),
            Likelihood = flags.Choice("likelihood") == "gaussian" ? Likelihood.Gaussian : Likelihood.Bernoulli,
            GaussianVariance = flags.Double("variance"),
            Beta = flags.Double("beta"),
            Activation = flags.Choice("activation") switch { "tanh" => Activation.Tanh, "elu" => Activation.Elu, _ => Activation.Relu },
            Initialization = flags.Choice("init") switch { "xavier" => Initialization.Xavier, "kaiming" => Initialization.Kaiming, _ => Initialization.PyTorch },
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
    /// decoder mirrors them), or the table's default when the flag is absent.
    /// </summary>
    public static int[] HiddenSizes(Flags flags, string name)
    {
        string text = flags.String(name);
        var parts = text.Split(',');
        if (parts.Length > 64) throw new UsageException($"{flags.Verb.Name}: --{name} lists {parts.Length} layers; at most 64 are allowed.");
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 1 << 16)
                throw new UsageException($"{flags.Verb.Name}: --{name} needs whole numbers from 1 to {1 << 16} separated by commas (e.g. 1024,768,512), not '{text}'.");
        }
        return sizes;
    }
}
