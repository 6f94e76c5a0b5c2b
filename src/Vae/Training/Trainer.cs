// Shape legend: B examples per batch, D pixels, Z latent dimensions.
using System.Diagnostics;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Training;

/// <summary>Receives progress within an epoch (for a progress bar).</summary>
public interface ITrainingProgress
{
    /// <summary><paramref name="done"/> of <paramref name="total"/> training examples of <paramref name="epoch"/> were used, after <paramref name="elapsed"/>.</summary>
    void Report(int epoch, int done, int total, TimeSpan elapsed);

    /// <summary>
    /// Optimizer step <paramref name="step"/> (1, 2, … over the whole run) was taken; its mini-batch's loss, the negative
    /// ELBO per example in nats, was <paramref name="lossPerExample"/> (computed before the update).
    /// </summary>
    void StepCompleted(int step, double lossPerExample)
    {
    }
}

/// <summary>
/// Trains a float32 VAE on mini-batches, exactly as PyTorch's examples/vae: each step draws a batch in a seeded
/// shuffled order, computes the negative ELBO summed over the batch, back-propagates, optionally clips the gradients
/// by their global norm, and takes one optimizer step (Adam by default; any <see cref="Optimizer{T}"/>). Everything random comes from Philox streams keyed by the seed, so a run is reproducible on a device.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly float[] _staging;
    private readonly ulong _trainingNoiseSeed;
    private readonly ulong _shuffleSeed;
    private readonly ulong _evaluationNoiseSeed;
    private readonly ulong _noiseBlocksPerStep;
    // The recorded forward pass per batch size (the full size, and the smaller last batch of an epoch), replayed
    // every step so that training allocates nothing in the steady state.
    private readonly Dictionary<int, ElboGraph<float>> _graphs = [];
    // The unfinished epoch: the losses summed and seconds spent before the last interruption.
    private double _partialLossSum;
    private double _partialSeconds;

    /// <summary>Creates a model with fresh weights and the optimizer <paramref name="options"/> name, with zeroed state.</summary>
    public Trainer(VaeOptions modelOptions, TrainOptions options, DataSplit data, Device device) : this(modelOptions, options, data, device, createOptimizer: null)
    {
    }

    /// <summary>
    /// Creates a model with fresh weights and the optimizer <paramref name="createOptimizer"/> makes for it (any
    /// <see cref="Optimizer{T}"/>, e.g. <c>model =&gt; new Sgd&lt;float&gt;(model.NamedParameters(), 0.01, momentum: 0.9)</c>),
    /// or, when null, the one <paramref name="options"/> describes (<see cref="TrainingOptimizer"/>).
    /// </summary>
    public Trainer(VaeOptions modelOptions, TrainOptions options, DataSplit data, Device device, Func<VaeModel<float>, Optimizer<float>>? createOptimizer)
    {
        modelOptions.Validate();
        if (data.Train.PixelsPerImage != modelOptions.InputSize)
            throw new ArgumentException($"The data has {data.Train.PixelsPerImage} pixels per image but the model expects {modelOptions.InputSize}.");
        if (data.Train.Count == 0 || data.Test.Count == 0)
            throw new ArgumentException($"The data set '{data.Name}' needs training and test images (has {data.Train.Count} and {data.Test.Count}).");
        Options = options;
        Data = data;
        Device = device;
        Model = new VaeModel<float>(modelOptions, device, Seeds.Derive(options.Seed, Seeds.Initialization));
        int stepsPerEpoch = (data.Train.Count + options.BatchSize - 1) / options.BatchSize;
        Optimizer = createOptimizer is null
            ? TrainingOptimizer.Create(options, Model, (int)Math.Min(int.MaxValue, (long)stepsPerEpoch * options.Epochs))
            : createOptimizer(Model) ?? throw new ArgumentException("The optimizer factory returned null.", nameof(createOptimizer));
        _staging = new float[options.BatchSize * modelOptions.InputSize];
        _trainingNoiseSeed = Seeds.Derive(options.Seed, Seeds.TrainingNoise);
        _shuffleSeed = Seeds.Derive(options.Seed, Seeds.Shuffle);
        _evaluationNoiseSeed = Seeds.Derive(options.Seed, Seeds.EvaluationNoise);
        // Every step consumes the same stretch of the noise stream, sized for a full batch.
        _noiseBlocksPerStep = RandomStreams.BlocksUsed<float>((long)options.BatchSize * modelOptions.LatentSize);
    }

    /// <summary>The training settings.</summary>
    public TrainOptions Options { get; }
    /// <summary>The data.</summary>
    public DataSplit Data { get; }
    /// <summary>The device everything runs on.</summary>
    public Device Device { get; }
    /// <summary>The model being trained.</summary>
    public VaeModel<float> Model { get; }
    /// <summary>Its optimizer.</summary>
    public Optimizer<float> Optimizer { get; }
    /// <summary>Completed epochs' figures.</summary>
    public List<EpochMetrics> History { get; } = [];
    /// <summary>The number of completed epochs.</summary>
    public int EpochsCompleted => History.Count;

    /// <summary>
    /// Continues from a checkpoint folder written by <see cref="SaveCheckpoint"/>. Every file is read and checked before
    /// anything changes: a refused folder leaves the weights, the optimizer and the history as they were.
    /// </summary>
    public void Restore(string folder)
    {
        var info = Checkpoint.ReadInfo(folder);
        if (!SameArchitecture(info.Model, Model.Options))
            throw new CheckpointException(Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.ConfigFile), "its architecture differs from the requested one");
        var weights = Checkpoint.ReadWeights(folder, info);
        var state = Checkpoint.ReadOptimizer(folder, info);
        var metrics = Checkpoint.ReadMetrics(folder);
        if (metrics.Count != info.Epoch)
            throw new CheckpointException(Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.MetricsFile), $"it has {metrics.Count} epochs but config.json says {info.Epoch}");
        string set = CheckpointStore.Resolve(folder);
        Checkpoint.Fit(() => Model.CheckStateDict(weights), Path.Combine(set, Checkpoint.ModelFile));
        Checkpoint.Fit(() => Optimizer.CheckStateDict(state), Path.Combine(set, Checkpoint.OptimizerFile));
        if (info.BatchesDone > 0 && (long)info.BatchesDone * Options.BatchSize >= Data.Train.Count)
            throw new CheckpointException(Path.Combine(set, Checkpoint.ConfigFile),
                $"it stopped after batch {info.BatchesDone} of epoch {info.Epoch + 1}, beyond an epoch of {Data.Train.Count} images in batches of {Options.BatchSize} (were --limit or --batch changed?)");
        Model.LoadStateDict(weights);
        Optimizer.LoadStateDict(state);
        History.Clear();
        History.AddRange(metrics);
        (BatchesDone, _partialLossSum, _partialSeconds) = info.Interrupted ? (info.BatchesDone, info.PartialLossSum, info.PartialSeconds) : (0, 0, 0);
    }

    private static bool SameArchitecture(VaeOptions a, VaeOptions b) =>
        a.Architecture == b.Architecture && a.InputSize == b.InputSize && a.LatentSize == b.LatentSize && a.HiddenSizes.SequenceEqual(b.HiddenSizes)
        && a.Activation == b.Activation && a.Likelihood == b.Likelihood && a.GaussianVariance == b.GaussianVariance && a.Beta == b.Beta;

    /// <summary>
    /// Writes the model, optimizer, configuration, metrics and — between epochs or mid-epoch — the position in the
    /// epoch to <paramref name="folder"/>, as one set switched in atomically. Refuses (with
    /// <see cref="NonFiniteLossException"/>, before writing anything) parameters that hold a NaN or an infinity, so a
    /// good checkpoint is never replaced by a broken one.
    /// </summary>
    public void SaveCheckpoint(string folder, bool interrupted = false)
    {
        foreach (var (name, parameter) in Model.NamedParameters())
        {
            var values = parameter.Value.ToArray();
            int bad = Array.FindIndex(values, v => !float.IsFinite(v));
            if (bad >= 0) throw new NonFiniteLossException($"parameter {name}", EpochsCompleted + 1, Optimizer.StepCount, values[bad], Model.Options, Optimizer.LearningRate);
        }
        var info = new CheckpointInfo
        {
            Model = Model.Options, Training = Options, Epoch = EpochsCompleted, Step = Optimizer.StepCount, Interrupted = interrupted || BatchesDone > 0,
            BatchesDone = BatchesDone, PartialLossSum = _partialLossSum, PartialSeconds = _partialSeconds,
        };
        Checkpoint.Save(folder, Model, Optimizer, info, History);
    }

    /// <summary>
    /// Runs one epoch and evaluates on the test set. Returns null when <paramref name="cancellation"/> fired
    /// between steps (the weights then hold the last completed step). Throws <see cref="NonFiniteLossException"/>
    /// as soon as a step's loss is NaN or infinite, before that step's update is applied.
    /// </summary>
    public EpochMetrics? RunEpoch(ITrainingProgress? progress = null, CancellationToken cancellation = default)
    {
        int epoch = EpochsCompleted + 1;
        var train = Data.Train;
        int[] order = ShuffledOrder(train.Count, epoch);
        int batchSize = Options.BatchSize;
        // An epoch interrupted by a saved checkpoint continues at the batch it reached, with the same order, the same
        // noise (its offset is the step count) and the losses summed so far: the run goes on as if never stopped.
        var clock = Stopwatch.StartNew();
        for (int start = BatchesDone * batchSize; start < train.Count; start += batchSize)
        {
            if (cancellation.IsCancellationRequested)
            {
                _partialSeconds += clock.Elapsed.TotalSeconds;
                return null;
            }
            int rows = Math.Min(batchSize, train.Count - start);
            // −ELBO of the batch with ε from the training noise stream at this step's offset, its gradients, one step.
            var terms = NegativeElbo(train, order, start, rows, _trainingNoiseSeed, (ulong)Optimizer.StepCount * _noiseBlocksPerStep, KlWeight(Optimizer.StepCount + 1, train.Count));
            double loss = terms.Loss.Value.Item();
            if (!double.IsFinite(loss)) throw new NonFiniteLossException("training", epoch, Optimizer.StepCount + 1, loss, Model.Options, Optimizer.LearningRate);
            terms.Loss.Backward();
            if (Options.ClipNorm is double maxNorm) Optimizer.ClipGradientNorm(maxNorm);
            Optimizer.Step();
            Model.ZeroGradients();
            _partialLossSum += loss;
            BatchesDone++;
            progress?.StepCompleted(Optimizer.StepCount, loss / rows);
            progress?.Report(epoch, start + rows, train.Count, clock.Elapsed);
        }
        double seconds = _partialSeconds + clock.Elapsed.TotalSeconds;
        var (testLoss, reconstruction, kl) = Evaluate(Data.Test);
        if (!double.IsFinite(testLoss)) throw new NonFiniteLossException("test", epoch, Optimizer.StepCount, testLoss, Model.Options, Optimizer.LearningRate);
        var metrics = new EpochMetrics(epoch, _partialLossSum / train.Count, testLoss, reconstruction, kl, seconds);
        History.Add(metrics);
        (BatchesDone, _partialLossSum, _partialSeconds) = (0, 0, 0);
        return metrics;
    }

    /// <summary>
    /// The KL term's weight at optimizer step <paramref name="step"/> (1, 2, …): β · min(1, step / (W · S)) with W the
    /// warm-up epochs and S the steps of an epoch (so it reaches β at the last step of epoch W); β without warm-up.
    /// </summary>
    public double KlWeight(int step, int trainingImages)
    {
        if (Options.KlWarmupEpochs <= 0) return Model.Options.Beta;
        long stepsPerEpoch = (trainingImages + Options.BatchSize - 1) / Options.BatchSize;
        return Model.Options.Beta * Math.Min(1.0, step / (double)(Options.KlWarmupEpochs * stepsPerEpoch));
    }

    /// <summary>The batches of the current, unfinished epoch already taken (0 between epochs).</summary>
    public int BatchesDone { get; private set; }

    /// <summary>
    /// The mean negative ELBO, reconstruction and KL per example over <paramref name="set"/>, with ε from the fixed
    /// evaluation stream (one sample of z per example, as PyTorch's example does). It replays the training step's
    /// recorded forward pass for each batch size (no backward, no update), so it allocates nothing per batch.
    /// </summary>
    public (double Loss, double Reconstruction, double Kl) Evaluate(ImageDataSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.PixelsPerImage != Model.Options.InputSize)
            throw new ArgumentException($"The set has {set.PixelsPerImage} pixels per image but the model expects {Model.Options.InputSize}.", nameof(set));
        if (set.Count == 0)
            throw new ArgumentException("Cannot evaluate on an empty set of images.", nameof(set));
        double loss = 0, reconstruction = 0, kl = 0;
        int batchSize = Options.BatchSize;
        for (int start = 0, batch = 0; start < set.Count; start += batchSize, batch++)
        {
            int rows = Math.Min(batchSize, set.Count - start);
            var terms = NegativeElbo(set, order: null, start, rows, _evaluationNoiseSeed, (ulong)batch * _noiseBlocksPerStep, Model.Options.Beta);
            double batchReconstruction = terms.Reconstruction.Value.Item(), batchKl = terms.Kl.Value.Item();
            // With free bits the graph's loss is the training objective, not the bound: the test loss is the β-ELBO itself.
            loss += Options.FreeBits > 0 ? batchReconstruction + Model.Options.Beta * batchKl : terms.Loss.Value.Item();
            reconstruction += batchReconstruction;
            kl += batchKl;
        }
        return (loss / set.Count, reconstruction / set.Count, kl / set.Count);
    }

    /// <summary>
    /// −ELBO of images order[start .. start + rows) of <paramref name="set"/> (start .. start + rows when order is null)
    /// with ε from the Philox stream (<paramref name="noiseSeed"/>, <paramref name="noiseOffset"/>): the recorded graph
    /// for this batch size (recorded on first use, replayed after that) run on the staged batch and fresh noise.
    /// </summary>
    private ElboTerms<float> NegativeElbo(ImageDataSet set, int[]? order, int start, int rows, ulong noiseSeed, ulong noiseOffset, double klWeight)
    {
        if (!_graphs.TryGetValue(rows, out var graph))
        {
            graph = new ElboGraph<float>(Model, Device, rows, warmUp: Options.KlWarmupEpochs > 0, freeBits: Options.FreeBits);
            _graphs.Add(rows, graph);
        }
        int width = set.PixelsPerImage;
        for (int r = 0; r < rows; r++) set.CopyImage(order is null ? start + r : order[start + r], _staging.AsSpan(r * width, width));
        graph.SetImages(_staging.AsSpan(0, rows * width));
        graph.DrawNoise(noiseSeed, noiseOffset);
        if (graph.HasKlWeight) graph.SetKlWeight(klWeight);
        return graph.Forward();
    }

    /// <summary>A Fisher–Yates permutation of 0 … count − 1 driven by the Philox stream (shuffle seed, epoch).</summary>
    private int[] ShuffledOrder(int count, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        ulong counter = (ulong)epoch << 32;
        for (int i = count - 1; i > 0; i--)
        {
            double u = RandomStreams.Uniform<double>(_shuffleSeed, counter, i); // (0, 1]
            int j = Math.Min(i, (int)((1.0 - u) * (i + 1)));                    // uniform in 0 … i
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Frees the recorded steps, the model and the optimizer.</summary>
    public void Dispose()
    {
        foreach (var graph in _graphs.Values) graph.Dispose();
        _graphs.Clear();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
