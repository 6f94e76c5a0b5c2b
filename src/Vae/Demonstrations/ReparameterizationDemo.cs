// Shape legend: B examples per batch, D pixels, Z latent dimensions. x [B, D]; mu, logVar, eps, z [B, Z]; logits [B, D].
using ScratchVae.Autograd;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>
/// The settings of <see cref="ReparameterizationDemo"/> (<c>scratchvae demo reparameterization</c>).
/// <see cref="DemoOptions.Steps"/> = 0 measures the gradients only.
/// </summary>
public sealed record ReparameterizationDemoOptions : DemoOptions;

/// <summary>Gradient norms √(Σ g²) of groups of parameters after a backward pass of one loss term.</summary>
/// <param name="Trick">True: z = μ + σ ⊙ ε is recorded; false: z is sampled, then used as a constant.</param>
/// <param name="Term">"reconstruction" or "kl".</param>
/// <param name="EncoderHidden">The encoder's hidden layers.</param>
/// <param name="EncoderMu">The μ head.</param>
/// <param name="EncoderLogVar">The log σ² head.</param>
/// <param name="Decoder">Every decoder parameter.</param>
public sealed record GradientNorms(bool Trick, string Term, double EncoderHidden, double EncoderMu, double EncoderLogVar, double Decoder)
{
    /// <summary>All encoder parameters together.</summary>
    public double Encoder => Math.Sqrt(EncoderHidden * EncoderHidden + EncoderMu * EncoderMu + EncoderLogVar * EncoderLogVar);
}

/// <summary>Where a short training run with or without the trick ends, measured on the probe images.</summary>
/// <param name="Trick">Whether the run used the reparameterization trick.</param>
/// <param name="Steps">Adam steps taken.</param>
/// <param name="Loss">Mean −ELBO per probe image (nats).</param>
/// <param name="Reconstruction">Mean −log p(x|z) per probe image.</param>
/// <param name="Kl">Mean KL(q(z|x) ‖ p(z)) per probe image.</param>
public sealed record TrainingOutcome(bool Trick, int Steps, double Loss, double Reconstruction, double Kl);

/// <summary>The gradient norms of the four cases and the two training runs.</summary>
/// <param name="Norms">With and without the trick, each loss term alone.</param>
/// <param name="Training">The run with the trick, then the run without.</param>
public sealed record ReparameterizationDemoResult(IReadOnlyList<GradientNorms> Norms, IReadOnlyList<TrainingOutcome> Training);

/// <summary>
/// What the reparameterization trick buys. With it, z = μ + σ ⊙ ε is a recorded function of the encoder's outputs,
/// so the reconstruction term −log p(x|z) sends gradients into the encoder. Without it — z drawn from N(μ, σ²) and
/// then used as a constant (Var.Constant of the sample) — the same forward values give the reconstruction term no
/// path back to the encoder: its gradient there is exactly zero, and the encoder learns only from the KL term, which
/// pulls every q(z|x) onto the prior so that z carries no information about x.
/// </summary>
public static class ReparameterizationDemo
{
    /// <summary>Measures gradient norms at initialisation, then trains a model each way for <see cref="DemoOptions.Steps"/> steps.</summary>
    public static ReparameterizationDemoResult Run(ReparameterizationDemoOptions options, DataSplit data, Device device, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        var modelOptions = new VaeOptions { InputSize = data.Train.PixelsPerImage, HiddenSizes = [options.Hidden], LatentSize = options.Latent };
        ulong initializationSeed = Seeds.Derive(options.Seed, Seeds.Initialization);
        ulong noiseSeed = Seeds.Derive(options.Seed, Seeds.TrainingNoise);

        var norms = new List<GradientNorms>();
        using (var model = new VaeModel<float>(modelOptions, device, initializationSeed))
        using (var batch = DemoSupport.Batch(data.Train, 0, options.BatchSize, device))
        {
            foreach (bool trick in new[] { true, false })
                foreach (string term in new[] { "reconstruction", "kl" })
                {
                    using var tape = new Tape();
                    model.ZeroGradients();
                    var (reconstruction, kl) = Terms(model, Var<float>.Constant(batch), noiseSeed, 0, trick);
                    (term == "reconstruction" ? reconstruction : kl).Backward();
                    norms.Add(new GradientNorms(trick, term,
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "encoder.hidden.")),
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "encoder.mu.")),
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "encoder.logvar.")),
                        DemoSupport.GradientNorm(DemoSupport.Named(model, "decoder."))));
                }
        }

        var training = new List<TrainingOutcome>();
        using var probe = DemoSupport.Probe(data.Test, options.ProbeCount, device);
        foreach (bool trick in new[] { true, false })
        {
            using var model = new VaeModel<float>(modelOptions, device, initializationSeed);
            using var adam = new Adam<float>(model.NamedParameters(), options.LearningRate);
            using (var tape = new Tape())
            {
                for (int step = 0; step < options.Steps; step++)
                {
                    var x = Var<float>.Constant(DemoSupport.Batch(data.Train, step, options.BatchSize, device), takeOwnership: true);
                    var (reconstruction, kl) = Terms(model, x, noiseSeed, DemoSupport.NoiseOffset(step, options.BatchSize, options.Latent), trick);
                    (reconstruction + kl).Backward();
                    adam.Step();
                    model.ZeroGradients();
                    tape.Reset();
                }
            }
            var (loss, reconstructionLoss, klLoss) = DemoSupport.Evaluate(model, probe, options.Seed);
            training.Add(new TrainingOutcome(trick, options.Steps, loss, reconstructionLoss, klLoss));
            log?.Invoke(FormattableString.Invariant($"trained {(trick ? "with" : "without")} the trick for {options.Steps} steps"));
        }
        return new ReparameterizationDemoResult(norms, training);
    }

    /// <summary>
    /// The two terms of the negative ELBO, summed over the batch. With <paramref name="trick"/> z is
    /// <see cref="Ops.Reparameterize{T}(Var{T}, Var{T}, ulong, ulong)"/>'s recorded output; without it the same
    /// numbers enter the decoder as a constant, cutting the path from the reconstruction term back to μ and log σ².
    /// </summary>
    public static (Var<float> Reconstruction, Var<float> Kl) Terms(VaeModel<float> model, Var<float> x, ulong noiseSeed, ulong noiseOffset, bool trick)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (mu, logVar) = model.Encode(x);
        var sample = Ops.Reparameterize(mu, logVar, noiseSeed, noiseOffset);
        var z = trick ? sample : Var<float>.Constant(sample.Value);
        var reconstruction = -Ops.Sum(model.LogLikelihood(model.Decode(z), x));
        var kl = Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar));
        return (reconstruction, kl);
    }
}
