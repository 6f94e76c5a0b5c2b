// Shape legend: N test images, D pixels, Z latent dimensions, S draws of ε. mu, logVar, ε [N, Z]; x [N, D].
using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>
/// Mean and variance over draws of ε of one gradient estimator: per coordinate (image i, latent j), then averaged.
/// </summary>
/// <param name="Mean">The estimates' mean, averaged over the coordinates.</param>
/// <param name="Variance">The estimates' variance over the draws (one draw's), averaged over the coordinates.</param>
public sealed record EstimatorFigures(double Mean, double Variance);

/// <summary>The three estimators of ∂/∂μ E_q[log p(x|z)] at the encoder's q(z|x), for one model and set of images.</summary>
public sealed record EstimatorComparison(int Images, int Draws, EstimatorFigures Pathwise, EstimatorFigures ScoreFunction, EstimatorFigures ScoreFunctionWithBaseline, double[] PathwiseMeans, double[] ScoreMeans, double[] BaselineMeans);

/// <summary>
/// Two unbiased estimators of the gradient of the reconstruction term E_{z∼q}[f(z)], f(z) = log p(x|z), with respect
/// to the encoder's output μ (q = N(μ, σ²)), on a trained model:
/// <list type="bullet">
/// <item>pathwise (the reparameterization trick): z = μ + σ ⊙ ε, the gradient ∂f(μ + σ ε)/∂μ = ∇f(z), by backpropagation;</item>
/// <item>score function (REINFORCE): f(z) · ∂ log q(z)/∂μ = f(z) · ε / σ, which needs no gradient of f at all;</item>
/// <item>the score function with a baseline: (f(z) − b) · ε / σ, b the mean of f over the other draws (still unbiased, as
/// E[ε] = 0 and b does not depend on this draw's ε).</item>
/// </list>
/// Both have the same mean; the variance is what differs, and why the trick trains a VAE where REINFORCE struggles.
/// </summary>
public static class EstimatorsDemo
{
    /// <summary>The comparison over the first <paramref name="count"/> images of <paramref name="set"/> with <paramref name="draws"/> draws of ε (Philox stream of <paramref name="seed"/>).</summary>
    public static EstimatorComparison Compare(VaeModel<float> model, ImageDataSet set, int count, int draws, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        count = Math.Min(count, set.Count);
        if (count < 1 || draws < 2) throw new ArgumentException("The comparison needs at least one image and two draws.");
        int latent = model.Options.LatentSize, coordinates = count * latent;
        var device = model.Device;
        using var x = DemoSupport.Probe(set, count, device);
        var (mu, logVar) = DemoSupport.Posterior(model, x);
        using var muParameter = new Parameter<float>(Tensor<float>.FromArray(mu, Shape.Matrix(count, latent), device), "mu");
        using var logVarTensor = Tensor<float>.FromArray(logVar, Shape.Matrix(count, latent), device);
        using var eps = Tensor<float>.Empty(Shape.Matrix(count, latent), device);
        var pathwise = new double[draws, coordinates];
        var epsOverSigma = new double[draws, coordinates];
        var f = new double[draws, count];
        using (var tape = new Tape())
        {
            for (int s = 0; s < draws; s++)
            {
                eps.Backend.NormalFill(eps.Buffer, 0, eps.Length, seed, (ulong)s * RandomStreams.BlocksUsed<float>(eps.Length), 0f, 1f);
                var z = Ops.Reparameterize(muParameter, Var<float>.Constant(logVarTensor), eps);
                var logLikelihood = model.LogLikelihood(model.Decode(z), Var<float>.Constant(x)); // [N]
                Ops.Sum(logLikelihood).Backward();
                float[] gradient = muParameter.Gradient!.ToArray(), e = eps.ToArray(), ll = logLikelihood.Value.ToArray();
                for (int k = 0; k < coordinates; k++)
                {
                    pathwise[s, k] = gradient[k];
                    epsOverSigma[s, k] = e[k] / Math.Exp(0.5 * logVar[k]);
                }
                for (int i = 0; i < count; i++) f[s, i] = ll[i];
                muParameter.ZeroGradient();
                model.ZeroGradients();
                tape.Reset();
            }
        }
        var score = new double[draws, coordinates];
        var baseline = new double[draws, coordinates];
        for (int i = 0; i < count; i++)
        {
            double total = 0;
            for (int s = 0; s < draws; s++) total += f[s, i];
            for (int s = 0; s < draws; s++)
            {
                double others = (total - f[s, i]) / (draws - 1); // leave-one-out: independent of this draw
                for (int j = 0; j < latent; j++)
                {
                    int k = i * latent + j;
                    score[s, k] = f[s, i] * epsOverSigma[s, k];
                    baseline[s, k] = (f[s, i] - others) * epsOverSigma[s, k];
                }
            }
        }
        return new EstimatorComparison(count, draws, Figures(pathwise), Figures(score), Figures(baseline), Means(pathwise), Means(score), Means(baseline));
    }

    private static double[] Means(double[,] estimates)
    {
        int draws = estimates.GetLength(0), coordinates = estimates.GetLength(1);
        var means = new double[coordinates];
        for (int k = 0; k < coordinates; k++)
        {
            for (int s = 0; s < draws; s++) means[k] += estimates[s, k];
            means[k] /= draws;
        }
        return means;
    }

    private static EstimatorFigures Figures(double[,] estimates)
    {
        int draws = estimates.GetLength(0), coordinates = estimates.GetLength(1);
        double[] means = Means(estimates);
        double variance = 0;
        for (int k = 0; k < coordinates; k++)
        {
            double sum = 0;
            for (int s = 0; s < draws; s++) sum += (estimates[s, k] - means[k]) * (estimates[s, k] - means[k]);
            variance += sum / (draws - 1);
        }
        return new EstimatorFigures(means.Average(), variance / coordinates);
    }
}
