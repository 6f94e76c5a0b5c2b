// Shape legend: B examples per batch, N probe images, D pixels, H hidden units per layer, Z latent dimensions.
using ScratchVae.Autograd;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>
/// The settings of <see cref="InitializationDemo"/> (<c>scratchvae demo init</c>). Both initialisations draw their
/// weights from the same stream of <see cref="DemoOptions.Seed"/>, scaled differently.
/// </summary>
public sealed record InitializationDemoOptions : DemoOptions
{
    /// <summary>Measurements besides step 0, at halving intervals: Steps, Steps/2, Steps/4, … (early steps are where units die).</summary>
    public int Measurements { get; init; } = 6;
}

/// <summary>One measurement of <see cref="InitializationDemo"/>.</summary>
/// <param name="Initialization">How the weights were drawn.</param>
/// <param name="Step">Adam steps taken.</param>
/// <param name="EncoderDead">Fraction of the encoder's hidden ReLU units that output 0 for every probe image.</param>
/// <param name="DecoderDead">Fraction of the decoder's hidden ReLU units that output 0 for every probe image's z = μ(x).</param>
/// <param name="Loss">Mean −ELBO per probe image, in nats.</param>
public sealed record InitializationMeasurement(Initialization Initialization, int Step, double EncoderDead, double DecoderDead, double Loss);

/// <summary>
/// Xavier/Glorot uniform versus nn.Linear's default initialisation with ReLU: the same seed, the same batches and the
/// same ε for both, so the only difference is the scale of the initial weights (and Xavier's zero biases). Measures
/// the fraction of dead ReLU units — hidden units whose output is 0 for every image of a probe batch, so that no
/// gradient reaches their incoming weights from that batch — and the loss, at initialisation and along training.
/// </summary>
public static class InitializationDemo
{
    /// <summary>Runs both initialisations; <paramref name="report"/> receives each measurement as it is made.</summary>
    public static IReadOnlyList<InitializationMeasurement> Run(InitializationDemoOptions options, DataSplit data, Device device, Action<InitializationMeasurement>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        if (options.Steps < 0 || options.BatchSize < 1 || options.Measurements < 1 || options.ProbeCount < 1)
            throw new ArgumentException($"Invalid demo settings: {options}.");
        var results = new List<InitializationMeasurement>();
        using var probe = DemoSupport.Probe(data.Test, options.ProbeCount, device);
        foreach (var initialization in new[] { Initialization.PyTorch, Initialization.Xavier })
        {
            var modelOptions = new VaeOptions
            {
                InputSize = data.Train.PixelsPerImage,
                HiddenSizes = [options.Hidden],
                LatentSize = options.Latent,
                Activation = Activation.Relu,
                Initialization = initialization,
            };
            using var model = new VaeModel<float>(modelOptions, device, Seeds.Derive(options.Seed, Seeds.Initialization));
            using var adam = new Adam<float>(model.NamedParameters(), options.LearningRate);
            ulong noiseSeed = Seeds.Derive(options.Seed, Seeds.TrainingNoise);
            var measureAt = Enumerable.Range(0, options.Measurements).Select(k => options.Steps >> k).Where(step => step > 0).ToHashSet();

            void Measure(int step)
            {
                var (encoder, decoder) = DeadFractions(model, probe);
                var measurement = new InitializationMeasurement(initialization, step, encoder, decoder, DemoSupport.Evaluate(model, probe, options.Seed).Loss);
                results.Add(measurement);
                report?.Invoke(measurement);
            }

            Measure(0);
            using var tape = new Tape();
            for (int step = 0; step < options.Steps; step++)
            {
                var x = Var<float>.Constant(DemoSupport.Batch(data.Train, step, options.BatchSize, device), takeOwnership: true);
                var terms = model.NegativeElbo(x, noiseSeed, DemoSupport.NoiseOffset(step, options.BatchSize, options.Latent));
                terms.Loss.Backward();
                adam.Step();
                model.ZeroGradients();
                tape.Reset();
                if (measureAt.Contains(step + 1)) Measure(step + 1);
            }
        }
        return results;
    }

    /// <summary>
    /// The fractions of dead hidden units of the encoder (inputs: the probe images) and of the decoder (inputs:
    /// z = μ(x) of the probe images, the decoder's deterministic path).
    /// </summary>
    public static (double Encoder, double Decoder) DeadFractions(VaeModel<float> model, Tensor<float> probe)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Options.Activation != Activation.Relu)
            throw new ArgumentException($"Dead units are a ReLU notion; the model uses {model.Options.Activation}.", nameof(model));
        if (model.Encoder is not MlpEncoder<float> encoderLayers || model.Decoder is not MlpDecoder<float> decoderLayers)
            throw new ArgumentException($"Dead units are counted in fully connected layers; the model is {model.Options.Describe()}.", nameof(model));
        using var scope = Tape.NoGrad();
        int layers = model.Options.HiddenSizes.Length;
        int dead = 0, total = 0;
        var h = Var<float>.Constant(probe);
        for (int i = 0; i < layers; i++)
        {
            h = encoderLayers.Hidden[i].Forward<ReluOperator>(h);
            dead += DeadColumns(h.Value);
            total += h.Shape[1];
        }
        double encoder = total == 0 ? 0 : (double)dead / total;
        var (mu, _) = model.Encode(Var<float>.Constant(probe));
        dead = total = 0;
        h = mu;
        for (int i = 0; i < layers; i++)
        {
            h = decoderLayers.Hidden[i].Forward<ReluOperator>(h);
            dead += DeadColumns(h.Value);
            total += h.Shape[1];
        }
        double decoder = total == 0 ? 0 : (double)dead / total;
        return (encoder, decoder);
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
