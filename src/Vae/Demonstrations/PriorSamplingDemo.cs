// Shape legend: S prior samples per chunk, D pixels, Z latent dimensions. z [S, Z]; logits, x (repeated) [S, D].
using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>What sampling z from the prior says about one image.</summary>
/// <param name="Samples">n: prior samples z₁ … zₙ ~ N(0, I).</param>
/// <param name="LogLikelihoodEstimate">log (1/n) Σᵢ p(x | zᵢ): the naive Monte Carlo estimate of log p(x), in nats.</param>
/// <param name="BestLogLikelihood">maxᵢ log p(x | zᵢ): the best of the n samples.</param>
/// <param name="EffectiveSamples">(Σ wᵢ)² / Σ wᵢ² with wᵢ = p(x | zᵢ): how many samples the average really rests on.</param>
public sealed record PriorSamplingEstimate(int Samples, double LogLikelihoodEstimate, double BestLogLikelihood, double EffectiveSamples);

/// <summary>
/// Why a VAE needs an encoder: estimating p(x) = ∫ p(x|z) p(z) dz by averaging p(x|z) over z drawn from the prior
/// fails in practice, because almost every z gives p(x|z) ≈ 0 next to the few z that explain x. For each image the
/// estimate, the best sample and the effective sample size are reported for n = 10, 100, … samples, next to the ELBO
/// (which uses one z from q(z|x) and is a lower bound of log p(x)).
/// </summary>
public static class PriorSamplingDemo
{
    /// <summary>Samples decoded per chunk (bounds memory: S × D logits).</summary>
    public const int ChunkSize = 500;

    /// <summary>
    /// The estimates of <paramref name="image"/> for every count in <paramref name="sampleCounts"/> (ascending; the draws
    /// of a smaller count are the first draws of a larger one, from the Philox stream of <paramref name="seed"/>).
    /// </summary>
    public static IReadOnlyList<PriorSamplingEstimate> Estimate(VaeModel<float> model, ReadOnlySpan<float> image, IReadOnlyList<int> sampleCounts, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampleCounts);
        if (sampleCounts.Count == 0 || sampleCounts[0] < 1 || sampleCounts.Zip(sampleCounts.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException("The sample counts must be positive and ascending.", nameof(sampleCounts));
        int total = sampleCounts[^1], pixels = model.Options.InputSize, latent = model.Options.LatentSize;
        var logLikelihoods = new double[total];
        var repeated = new float[ChunkSize * pixels];
        for (int r = 0; r < ChunkSize; r++) image.CopyTo(repeated.AsSpan(r * pixels, pixels));
        for (int start = 0; start < total; start += ChunkSize)
        {
            int rows = Math.Min(ChunkSize, total - start);
            using var scope = Tape.NoGrad();
            ulong offset = RandomStreams.BlocksUsed<float>((long)start * latent);
            var z = Var<float>.Constant(Tensor<float>.Normal(Shape.Matrix(rows, latent), seed, offset, device: model.Device), takeOwnership: true);
            var x = Var<float>.Constant(Tensor<float>.FromArray(repeated.AsSpan(0, rows * pixels), Shape.Matrix(rows, pixels), model.Device), takeOwnership: true);
            // log p(x | zᵢ) for each sample i
            var values = model.LogLikelihood(model.Decode(z), x).Value.ToArray();
            for (int i = 0; i < rows; i++) logLikelihoods[start + i] = values[i];
        }
        return sampleCounts.Select(n => Summarise(logLikelihoods.AsSpan(0, n))).ToList();
    }

    /// <summary>The estimate, best sample and effective sample size of the log-likelihoods log p(x | zᵢ), computed stably around their maximum.</summary>
    public static PriorSamplingEstimate Summarise(ReadOnlySpan<double> logLikelihoods)
    {
        double best = double.NegativeInfinity;
        foreach (double value in logLikelihoods) best = Math.Max(best, value);
        // log (1/n) Σ eˡⁱ = m + log Σ e^(lᵢ − m) − log n, with m the maximum (log-sum-exp).
        double sum = 0, sumOfSquares = 0;
        foreach (double value in logLikelihoods)
        {
            double weight = Math.Exp(value - best);
            sum += weight;
            sumOfSquares += weight * weight;
        }
        return new PriorSamplingEstimate(logLikelihoods.Length, best + Math.Log(sum) - Math.Log(logLikelihoods.Length), best, sum * sum / sumOfSquares);
    }

    /// <summary>
    /// The negative ELBO of each of the first <paramref name="count"/> images of <paramref name="set"/>, with one z from
    /// q(z|x) per image (evaluation noise of <paramref name="seed"/>).
    /// </summary>
    public static double[] NegativeElbos(VaeModel<float> model, ImageDataSet set, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var probe = DemoSupport.Probe(set, count, model.Device);
        using var scope = Tape.NoGrad();
        var x = Var<float>.Constant(probe);
        var (mu, logVar) = model.Encode(x);
        var z = Ops.Reparameterize(mu, logVar, Seeds.Derive(seed, Seeds.EvaluationNoise), 0);
        // −ELBOᵢ = −log p(xᵢ|zᵢ) + KLᵢ, per example
        var perExample = Ops.KlDivergenceToStandardNormal(mu, logVar) - model.LogLikelihood(model.Decode(z), x);
        return perExample.Value.ToArray().Select(v => (double)v).ToArray();
    }
}
