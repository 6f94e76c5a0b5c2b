// Shape legend: B examples per batch, N probe images, D pixels, H hidden units per layer, Z latent dimensions.
using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>The optimizers <see cref="InitializationDemo"/> trains with.</summary>
public enum DemoOptimizer
{
    /// <summary>Adam (lr <see cref="DemoOptions.LearningRate"/>, β = 0.9, 0.999): every weight's step is normalised by its own gradient's size.</summary>
    Adam,
    /// <summary>Plain SGD (lr <see cref="InitializationDemoOptions.SgdLearningRate"/>, no momentum): the step is the gradient, scaled.</summary>
    Sgd,
}

/// <summary>
/// The settings of <see cref="InitializationDemo"/> (<c>scratchvae demo init</c>). Every initialisation draws its
/// weights from the same streams of a seed, scaled differently; every (initialisation, optimizer) pair is trained
/// from <see cref="Seeds"/> seeds, <see cref="DemoOptions.Seed"/>, <see cref="DemoOptions.Seed"/> + 1, ….
/// </summary>
public sealed record InitializationDemoOptions : DemoOptions
{
    /// <summary>Measurements besides step 0, at halving intervals: Steps, Steps/2, Steps/4, … (early steps are where units die).</summary>
    public int Measurements { get; init; } = 5;

    /// <summary>The initialisations compared.</summary>
    public IReadOnlyList<Initialization> Initializations { get; init; } = [Initialization.PyTorch, Initialization.Xavier, Initialization.Kaiming, Initialization.Normal];

    /// <summary>The optimizers each initialisation is trained with: Adam, and plain SGD as the control.</summary>
    public IReadOnlyList<DemoOptimizer> Optimizers { get; init; } = [DemoOptimizer.Adam, DemoOptimizer.Sgd];

    /// <summary>Plain SGD's learning rate, for the loss summed over the batch (so per example it is this times B).</summary>
    public double SgdLearningRate { get; init; } = 1e-4;

    /// <summary>How many seeds each pair is trained from.</summary>
    public int Seeds { get; init; } = 3;
}

/// <summary>One measurement of <see cref="InitializationDemo"/>: one seed's model after <paramref name="Step"/> steps.</summary>
/// <param name="Initialization">How the weights were drawn.</param>
/// <param name="Optimizer">What trained them.</param>
/// <param name="Seed">The seed of the weights and the noise.</param>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="EncoderDead">Fraction of the encoder's hidden ReLU units that output 0 for every probe image.</param>
/// <param name="DecoderDead">Fraction of the decoder's hidden ReLU units that output 0 for every probe image's z = μ(x) + σ(x) ⊙ ε.</param>
/// <param name="Loss">Mean −ELBO per probe image, in nats; not finite when the run has diverged, and then it stops.</param>
/// <param name="LargestLogVariance">The largest log σ² the encoder gives any probe image (float32's exp overflows above 88.7).</param>
public sealed record InitializationMeasurement(Initialization Initialization, DemoOptimizer Optimizer, ulong Seed, int Step, double EncoderDead, double DecoderDead, double Loss, double LargestLogVariance)
{
    /// <summary>True when the loss is not finite: the run diverged here, and no step was taken after it.</summary>
    public bool Diverged => !double.IsFinite(Loss);
}

/// <summary>
/// One (initialisation, optimizer, step) of <see cref="InitializationDemo"/> over the seeds whose runs were still
/// finite there; <paramref name="Diverged"/> counts the others (their spreads are null when no run is left).
/// </summary>
public sealed record InitializationSummary(Initialization Initialization, DemoOptimizer Optimizer, int Step, int Seeds, int Diverged, Spread? EncoderDead, Spread? DecoderDead, Spread? Loss);

/// <summary>
/// How the initial weights decide how many ReLU units die. Four initialisations — nn.Linear's default, Xavier/Glorot
/// uniform, He/Kaiming uniform and a naive N(0, 1) — each trained by Adam and, as the control, by plain SGD, from the
/// same seeds, batches and ε. Measures the fraction of dead hidden units — units whose output is 0 for every image
/// of a probe, so that no gradient reaches their incoming weights — in the encoder (inputs: the probe images) and in
/// the decoder (inputs: z = μ + σ ⊙ ε, the z the decoder is trained on), and the loss, at initialisation and along
/// training.
/// </summary>
public static class InitializationDemo
{
    /// <summary>
    /// Trains every (initialisation, optimizer, seed) of <paramref name="options"/>; <paramref name="report"/>
    /// receives each measurement as it is made.
    /// </summary>
    public static IReadOnlyList<InitializationMeasurement> Run(InitializationDemoOptions options, DataSplit data, Device device, Action<InitializationMeasurement>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        if (options.Steps < 0 || options.BatchSize < 1 || options.Measurements < 1 || options.ProbeCount < 1 || options.Seeds < 1
            || options.Initializations.Count == 0 || options.Optimizers.Count == 0 || !(options.SgdLearningRate > 0))
            throw new ArgumentException($"Invalid demo settings: {options}.");
        var results = new List<InitializationMeasurement>();
        using var probe = DemoSupport.Probe(data.Test, options.ProbeCount, device);
        var measureAt = Enumerable.Range(0, options.Measurements).Select(k => options.Steps >> k).Where(step => step > 0).ToHashSet();
        foreach (var initialization in options.Initializations)
            foreach (var optimizerKind in options.Optimizers)
                for (int s = 0; s < options.Seeds; s++)
                {
                    ulong seed = options.Seed + (ulong)s;
                    var modelOptions = new VaeOptions
                    {
                        InputSize = data.Train.PixelsPerImage,
                        HiddenSizes = [options.Hidden],
                        LatentSize = options.Latent,
                        Activation = Activation.Relu,
                        Initialization = initialization,
                    };
                    using var model = new VaeModel<float>(modelOptions, device, Training.Seeds.Derive(seed, Training.Seeds.Initialization));
                    using Optimizer<float> optimizer = optimizerKind == DemoOptimizer.Adam
                        ? new Adam<float>(model.NamedParameters(), options.LearningRate)
                        : new Sgd<float>(model.NamedParameters(), options.SgdLearningRate);
                    ulong noiseSeed = Training.Seeds.Derive(seed, Training.Seeds.TrainingNoise);

                    // Returns false when the loss is no longer finite: training on from there would only spread NaNs.
                    bool Measure(int step)
                    {
                        var (encoder, decoder) = DeadFractions(model, probe, seed);
                        var measurement = new InitializationMeasurement(initialization, optimizerKind, seed, step, encoder, decoder,
                            DemoSupport.Evaluate(model, probe, seed).Loss, DemoSupport.Posterior(model, probe).LogVar.Max());
                        results.Add(measurement);
                        report?.Invoke(measurement);
                        return !measurement.Diverged;
                    }

                    if (!Measure(0)) continue;
                    using var tape = new Tape();
                    for (int step = 0; step < options.Steps; step++)
                    {
                        var x = Var<float>.Constant(DemoSupport.Batch(data.Train, step, options.BatchSize, device), takeOwnership: true);
                        var terms = model.NegativeElbo(x, noiseSeed, DemoSupport.NoiseOffset(step, options.BatchSize, options.Latent));
                        terms.Loss.Backward();
                        optimizer.Step();
                        model.ZeroGradients();
                        tape.Reset();
                        if (measureAt.Contains(step + 1) && !Measure(step + 1)) break;
                    }
                }
        return results;
    }

    /// <summary>
    /// The measurements grouped by (initialisation, optimizer, step), each figure's spread
    /// over the seeds whose runs were finite at that step; a run that diverged counts as diverged at every later step.
    /// </summary>
    public static IReadOnlyList<InitializationSummary> Summarise(IReadOnlyCollection<InitializationMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var steps = measurements.Select(m => m.Step).Distinct().Order().ToList();
        var summaries = new List<InitializationSummary>();
        foreach (var pair in measurements.GroupBy(m => (m.Initialization, m.Optimizer)))
        {
            var seeds = pair.Select(m => m.Seed).Distinct().ToList();
            foreach (int step in steps)
            {
                var finite = pair.Where(m => m.Step == step && !m.Diverged).ToList();
                int diverged = seeds.Count(seed => pair.Any(m => m.Seed == seed && m.Diverged && m.Step <= step));
                summaries.Add(new InitializationSummary(pair.Key.Initialization, pair.Key.Optimizer, step, seeds.Count, diverged,
                    finite.Count == 0 ? null : Spread.Of(finite.Select(m => m.EncoderDead)),
                    finite.Count == 0 ? null : Spread.Of(finite.Select(m => m.DecoderDead)),
                    finite.Count == 0 ? null : Spread.Of(finite.Select(m => m.Loss))));
            }
        }
        return summaries;
    }

    /// <summary>
    /// The fractions of dead hidden units of the encoder (inputs: the probe images) and of the decoder (inputs: the z
    /// it is trained on, z = μ(x) + σ(x) ⊙ ε, one ε per probe image from the evaluation stream of <paramref name="seed"/>,
    /// the same ε as <see cref="DemoSupport.Evaluate"/> uses).
    /// </summary>
    public static (double Encoder, double Decoder) DeadFractions(VaeModel<float> model, Tensor<float> probe, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Options.Activation != Activation.Relu)
            throw new ArgumentException($"Dead units are a ReLU notion; the model uses {model.Options.Activation}.", nameof(model));
        if (model.Encoder is not MlpEncoder<float> encoderLayers || model.Decoder is not MlpDecoder<float> decoderLayers)
            throw new ArgumentException($"Dead units are counted in fully connected layers; the model is {model.Options.Describe()}.", nameof(model));
        using var scope = Tape.NoGrad();
        var (mu, logVar) = model.Encode(Var<float>.Constant(probe));
        var z = Ops.Reparameterize(mu, logVar, Training.Seeds.Derive(seed, Training.Seeds.EvaluationNoise), 0);
        return (DeadFraction(encoderLayers.Hidden, Var<float>.Constant(probe)), DeadFraction(decoderLayers.Hidden, z));
    }

    // The fraction of the units of the hidden ReLU layers, run on h in turn, that are 0 for every row.
    private static double DeadFraction(IEnumerable<Linear<float>> layers, Var<float> h)
    {
        int dead = 0, total = 0;
        foreach (var layer in layers)
        {
            h = layer.Forward<ReluOperator>(h);
            dead += DeadColumns(h.Value);
            total += h.Shape[1];
        }
        return total == 0 ? 0 : (double)dead / total;
    }

    /// <summary>The number of columns (units) of <paramref name="activations"/> [N, H] that are 0 in every row.</summary>
    public static int DeadColumns(Tensor<float> activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        var (rows, columns) = activations.Shape.AsMatrix();
        var values = activations.ToArray();
        int dead = 0;
        for (int j = 0; j < columns; j++)
        {
            bool alive = false;
            for (int i = 0; i < rows && !alive; i++) alive = values[i * columns + j] != 0f;
            if (!alive) dead++;
        }
        return dead;
    }
}
