// Shape legend: B examples per batch, D pixels, Z latent dimensions. x [B, D]; mu, logVar, eps, z [B, Z]; logits [B, D].
using ScratchVae.Autograd;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>How the gradient of the reconstruction term E_q[−log p(x|z)] reaches the encoder in <see cref="ReparameterizationDemo"/>.</summary>
public enum EncoderGradient
{
    /// <summary>The reparameterization trick: z = μ + σ ⊙ ε is recorded, and backpropagation runs through it (pathwise).</summary>
    Pathwise,
    /// <summary>The score-function (REINFORCE) estimator: −log p(x|z) · ∇ log q(z|x) at a sampled, constant z; unbiased.</summary>
    ScoreFunction,
    /// <summary>The score function with a baseline: (−log p(x|z) − b) · ∇ log q(z|x), b the mean over the batch's other images; still unbiased.</summary>
    ScoreFunctionWithBaseline,
    /// <summary>None: z is sampled and used as a constant, so the reconstruction term sends the encoder nothing.</summary>
    None,
}

/// <summary>
/// The settings of <see cref="ReparameterizationDemo"/> (<c>scratchvae demo reparameterization</c>).
/// <see cref="DemoOptions.Steps"/> = 0 measures the gradients only.
/// </summary>
public sealed record ReparameterizationDemoOptions : DemoOptions
{
    /// <summary>How many seeds each way is trained from: <see cref="DemoOptions.Seed"/>, <see cref="DemoOptions.Seed"/> + 1, ….</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>The ways the encoder is trained, in order.</summary>
    public IReadOnlyList<EncoderGradient> Ways { get; init; } = Enum.GetValues<EncoderGradient>();
}

/// <summary>Gradient norms √(Σ g²) of groups of parameters after a backward pass of one loss term.</summary>
/// <param name="Way">How the reconstruction term's gradient reaches the encoder.</param>
/// <param name="Term">"reconstruction" or "kl".</param>
/// <param name="EncoderHidden">The encoder's hidden layers.</param>
/// <param name="EncoderMu">The μ head.</param>
/// <param name="EncoderLogVar">The log σ² head.</param>
/// <param name="Decoder">Every decoder parameter.</param>
public sealed record GradientNorms(EncoderGradient Way, string Term, double EncoderHidden, double EncoderMu, double EncoderLogVar, double Decoder)
{
    /// <summary>All encoder parameters together.</summary>
    public double Encoder => Math.Sqrt(EncoderHidden * EncoderHidden + EncoderMu * EncoderMu + EncoderLogVar * EncoderLogVar);
}

/// <summary>Where a short training run ends, measured on the probe images.</summary>
/// <param name="Way">How the encoder was trained.</param>
/// <param name="Seed">The seed of the weights, the batches' ε and the evaluation's ε.</param>
/// <param name="Steps">Adam steps taken.</param>
/// <param name="Loss">Mean −ELBO per probe image (nats).</param>
/// <param name="Reconstruction">Mean −log p(x|z) per probe image.</param>
/// <param name="Kl">Mean KL(q(z|x) ‖ p(z)) per probe image.</param>
public sealed record TrainingOutcome(EncoderGradient Way, ulong Seed, int Steps, double Loss, double Reconstruction, double Kl);

/// <summary>The gradient norms of every way and term at initialisation, and the training runs.</summary>
/// <param name="Norms">Each way, each loss term alone, at initialisation (seed <see cref="DemoOptions.Seed"/>).</param>
/// <param name="Training">Each way and seed, in order.</param>
public sealed record ReparameterizationDemoResult(IReadOnlyList<GradientNorms> Norms, IReadOnlyList<TrainingOutcome> Training)
{
    /// <summary>The spreads over the seeds of one way's loss, reconstruction and KL.</summary>
    public (Spread Loss, Spread Reconstruction, Spread Kl) Summary(EncoderGradient way)
    {
        var runs = Training.Where(t => t.Way == way).ToList();
        return (Spread.Of(runs.Select(t => t.Loss)), Spread.Of(runs.Select(t => t.Reconstruction)), Spread.Of(runs.Select(t => t.Kl)));
    }
}

/// <summary>
/// What the reparameterization trick buys. With it, z = μ + σ ⊙ ε is a recorded function of the encoder's outputs,
/// so the reconstruction term −log p(x|z) sends gradients into the encoder. Without it — z drawn from N(μ, σ²) and
/// then used as a constant (Var.Constant of the sample) — the same forward values give the reconstruction term no
/// path back to the encoder: its gradient there is exactly zero, and the encoder learns only from the KL term, which
/// pulls every q(z|x) onto the prior so that z carries no information about x. Between the two sits the
/// score-function (REINFORCE) estimator, which needs no path through z at all: ∇ E_q[f] = E_q[f · ∇ log q(z|x)]. It
/// is unbiased, and a baseline subtracted from f keeps it so; what it lacks is the trick's low variance.
/// </summary>
public static class ReparameterizationDemo
{
    /// <summary>Measures gradient norms at initialisation, then trains a model each way from every seed for <see cref="DemoOptions.Steps"/> steps.</summary>
    public static ReparameterizationDemoResult Run(ReparameterizationDemoOptions options, DataSplit data, Device device, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        if (options.Seeds < 1 || options.Ways.Count == 0 || options.Steps < 0 || options.BatchSize < 2)
            throw new ArgumentException($"Invalid demo settings: {options} (the baseline needs two images per batch).");
        var modelOptions = new VaeOptions { InputSize = data.Train.PixelsPerImage, HiddenSizes = [options.Hidden], LatentSize = options.Latent };

        var norms = new List<GradientNorms>();
        using (var model = new VaeModel<float>(modelOptions, device, Training.Seeds.Derive(options.Seed, Training.Seeds.Initialization)))
        using (var batch = DemoSupport.Batch(data.Train, 0, options.BatchSize, device))
        {
            ulong noiseSeed = Training.Seeds.Derive(options.Seed, Training.Seeds.TrainingNoise);
            foreach (var way in options.Ways)
                foreach (string term in new[] { "reconstruction", "kl" })
                {
                    using var tape = new Tape();
                    model.ZeroGradients();
                    var terms = Terms(model, Var<float>.Constant(batch), noiseSeed, 0, way);
                    (term == "reconstruction" ? terms.ReconstructionGradient : terms.Kl).Backward();
                    norms.Add(new GradientNorms(way, term,
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "encoder.hidden.")),
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "encoder.mu.")),
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "encoder.logvar.")),
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "decoder."))));
                }
        }

        var training = new List<TrainingOutcome>();
        using var probe = DemoSupport.Probe(data.Test, options.ProbeCount, device);
        foreach (var way in options.Ways)
            for (int s = 0; s < options.Seeds; s++)
            {
                ulong seed = options.Seed + (ulong)s;
                ulong noiseSeed = Training.Seeds.Derive(seed, Training.Seeds.TrainingNoise);
                using var model = new VaeModel<float>(modelOptions, device, Training.Seeds.Derive(seed, Training.Seeds.Initialization));
                using var adam = new Adam<float>(model.NamedParameters(), options.LearningRate);
                using (var tape = new Tape())
                {
                    for (int step = 0; step < options.Steps; step++)
                    {
                        var x = Var<float>.Constant(DemoSupport.Batch(data.Train, step, options.BatchSize, device), takeOwnership: true);
                        var terms = Terms(model, x, noiseSeed, DemoSupport.NoiseOffset(step, options.BatchSize, options.Latent), way);
                        (terms.ReconstructionGradient + terms.Kl).Backward();
                        adam.Step();
                        model.ZeroGradients();
                        tape.Reset();
                    }
                }
                var (loss, reconstructionLoss, klLoss) = DemoSupport.Evaluate(model, probe, seed);
                training.Add(new TrainingOutcome(way, seed, options.Steps, loss, reconstructionLoss, klLoss));
                log?.Invoke(FormattableString.Invariant($"trained {way} from seed {seed} for {options.Steps} steps"));
            }
        return new ReparameterizationDemoResult(norms, training);
    }

    /// <summary>The terms of one batch's negative ELBO, summed over the batch.</summary>
    /// <param name="Reconstruction">Σ −log p(x|z): its value, with the decoder's gradient; with <see cref="EncoderGradient.Pathwise"/> also the encoder's.</param>
    /// <param name="Kl">Σ KL(q(z|x) ‖ N(0, I)), in closed form: the same in every way, and it never reaches the decoder.</param>
    /// <param name="ReconstructionGradient">
    /// What to back-propagate for the reconstruction term: <see cref="Reconstruction"/> itself, or, for the score-function
    /// ways, <see cref="Reconstruction"/> plus the surrogate Σ (f − b) · log q(z|x) with f = −log p(x|z) and b held
    /// constant, whose gradient with respect to the encoder is the estimator (its value means nothing).
    /// </param>
    public sealed record DemoTerms(Var<float> Reconstruction, Var<float> Kl, Var<float> ReconstructionGradient);

    /// <summary>
    /// The terms of the negative ELBO of <paramref name="x"/>, z drawn with ε from the Philox stream (noiseSeed,
    /// noiseOffset). With <see cref="EncoderGradient.Pathwise"/> z is
    /// <see cref="Ops.Reparameterize{T}(Var{T}, Var{T}, ulong, ulong)"/>'s recorded output; in every other way the same
    /// numbers enter the decoder as a constant, cutting the path from the reconstruction term back to μ and log σ²,
    /// and the score-function ways put a path back through log q(z|x) instead.
    /// </summary>
    public static DemoTerms Terms(VaeModel<float> model, Var<float> x, ulong noiseSeed, ulong noiseOffset, EncoderGradient way)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (mu, logVar) = model.Encode(x);
        var sample = Ops.Reparameterize(mu, logVar, noiseSeed, noiseOffset);
        var z = way == EncoderGradient.Pathwise ? sample : Var<float>.Constant(sample.Value);
        var negativeLogLikelihood = -model.LogLikelihood(model.Decode(z), x);   // f [B]
        var reconstruction = Ops.Sum(negativeLogLikelihood);
        var kl = Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar));
        if (way is EncoderGradient.Pathwise or EncoderGradient.None) return new DemoTerms(reconstruction, kl, reconstruction);
        // REINFORCE: ∇ E_q[f] = E_q[(f − b) ∇ log q(z|x)] for any b that does not depend on this z.
        var weights = ScoreWeights(negativeLogLikelihood.Value.ToArray(), way == EncoderGradient.ScoreFunctionWithBaseline);
        var logQ = Ops.GaussianLogLikelihood(z, mu, logVar);                     // log q(z|x) [B], z constant
        var surrogate = Ops.Sum(Var<float>.Constant(Tensor<float>.FromArray(weights, Shape.Vector(weights.Length), x.Value.Device), takeOwnership: true) * logQ);
        return new DemoTerms(reconstruction, kl, reconstruction + surrogate);
    }

    /// <summary>
    /// The score function's weights f − b per image: b = 0 without a baseline, and with one the mean of f over the
    /// batch's other images (leave-one-out: b does not depend on this image's z, so the estimator stays unbiased).
    /// </summary>
    public static float[] ScoreWeights(float[] f, bool baseline)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!baseline) return (float[])f.Clone();
        if (f.Length < 2) throw new ArgumentException("A leave-one-out baseline needs at least two images.", nameof(f));
        double total = f.Sum(v => (double)v);
        return f.Select(v => (float)(v - (total - v) / (f.Length - 1))).ToArray();
    }
}
