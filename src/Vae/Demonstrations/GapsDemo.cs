// Shape legend: N test images, D pixels, Z latent dimensions. x [N, D]; mu, logVar, ε [N, Z].
using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>
/// The two gaps between the ELBO and log p(x), measured on a trained model (Cremer, Li and Duvenaud 2018):
/// log p(x) − ELBO(q_φ(z|x)) = [log p(x) − ELBO(q*)] + [ELBO(q*) − ELBO(q_φ)], where q* is the best diagonal Gaussian
/// for that one image. The first bracket is the <b>approximation gap</b> (the posterior is not a diagonal Gaussian), the
/// second the <b>amortisation gap</b> (one encoder for all images does not find each image's best Gaussian).
/// </summary>
/// <param name="Images">N, the test images measured.</param>
/// <param name="AmortisedElbo">Mean over the images of the ELBO with the encoder's q(z|x), nats.</param>
/// <param name="OptimisedElbo">Mean ELBO with q* found per image: (μ, log σ²) started from the encoder's and optimised by Adam.</param>
/// <param name="LogLikelihood">Mean importance-weighted estimate of log p(x) (a lower bound itself, tighter than both).</param>
public sealed record GapMeasurement(int Images, double AmortisedElbo, double OptimisedElbo, double LogLikelihood)
{
    /// <summary>ELBO(q*) − ELBO(q_φ): what the encoder leaves on the table.</summary>
    public double AmortisationGap => OptimisedElbo - AmortisedElbo;

    /// <summary>log p(x) − ELBO(q*): what a diagonal Gaussian cannot reach.</summary>
    public double ApproximationGap => LogLikelihood - OptimisedElbo;
}

/// <summary>Measures <see cref="GapMeasurement"/>: per-image variational parameters optimised with the decoder fixed.</summary>
public static class GapsDemo
{
    /// <summary>
    /// The gaps on the first <paramref name="count"/> images of <paramref name="set"/>: <paramref name="steps"/> Adam
    /// steps (learning rate <paramref name="learningRate"/>, one fresh ε per image and step) on each image's (μ, log σ²),
    /// both ELBOs averaged over <paramref name="elboSamples"/> draws of ε (the same draws for both), log p(x) from
    /// <paramref name="iwSamples"/> importance samples.
    /// </summary>
    public static GapMeasurement Measure(VaeModel<float> model, ImageDataSet set, int count, int steps, double learningRate, int elboSamples, int iwSamples, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        count = Math.Min(count, set.Count);
        if (count < 1 || steps < 0 || elboSamples < 1 || iwSamples < 1) throw new ArgumentException("The gaps need at least one image, sample and importance sample, and no negative step count.");
        int latent = model.Options.LatentSize;
        var device = model.Device;
        using var x = DemoSupport.Probe(set, count, device);
        var (mu0, logVar0) = DemoSupport.Posterior(model, x);
        double amortised = Elbo(model, x, mu0, logVar0, elboSamples, seed);

        using var muParameter = new Parameter<float>(Tensor<float>.FromArray(mu0, Shape.Matrix(count, latent), device), "mu");
        using var logVarParameter = new Parameter<float>(Tensor<float>.FromArray(logVar0, Shape.Matrix(count, latent), device), "logvar");
        using var optimizer = new Adam<float>(new[] { muParameter, logVarParameter }.Named(), learningRate);
        using var eps = Tensor<float>.Empty(Shape.Matrix(count, latent), device);
        using (var tape = new Tape())
        {
            for (int step = 0; step < steps; step++)
            {
                eps.Backend.NormalFill(eps.Buffer, 0, eps.Length, seed + 1, (ulong)step * ScratchVae.Kernels.Random.RandomStreams.BlocksUsed<float>(eps.Length), 0f, 1f);
                NegativeElbo(model, Var<float>.Constant(x), muParameter, logVarParameter, eps).Backward();
                optimizer.Step();
                muParameter.ZeroGradient();
                logVarParameter.ZeroGradient();
                model.ZeroGradients();
                tape.Reset();
            }
        }
        double optimised = Elbo(model, x, muParameter.Value.ToArray(), logVarParameter.Value.ToArray(), elboSamples, seed);

        var bound = new ImportanceWeightedBound<float>(new VaeLatentModel<float>(model), iwSamples, seed + 2);
        double logLikelihood = bound.Estimate(x, 0).Average();
        return new GapMeasurement(count, amortised, optimised, logLikelihood);
    }

    // −Σᵢ ELBO of the batch with q = N(mu, exp(logVar)) and noise ε: reconstruction + KL, summed over images.
    private static Var<float> NegativeElbo(VaeModel<float> model, Var<float> x, Var<float> mu, Var<float> logVar, Tensor<float> eps)
    {
        var z = Ops.Reparameterize(mu, logVar, eps);
        var reconstruction = -Ops.Sum(model.LogLikelihood(model.Decode(z), x));
        return reconstruction + Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar));
    }

    // The mean ELBO per image of q = N(mu, exp(logVar)), averaged over `samples` draws of ε (draw k from stream offset k).
    private static double Elbo(VaeModel<float> model, Tensor<float> x, float[] mu, float[] logVar, int samples, ulong seed)
    {
        var device = model.Device;
        var shape = Shape.Matrix(x.Shape[0], model.Options.LatentSize);
        using var muTensor = Tensor<float>.FromArray(mu, shape, device);
        using var logVarTensor = Tensor<float>.FromArray(logVar, shape, device);
        using var eps = Tensor<float>.Empty(shape, device);
        using var scope = Tape.NoGrad();
        double sum = 0;
        for (int k = 0; k < samples; k++)
        {
            eps.Backend.NormalFill(eps.Buffer, 0, eps.Length, seed, (ulong)k * ScratchVae.Kernels.Random.RandomStreams.BlocksUsed<float>(eps.Length), 0f, 1f);
            sum += NegativeElbo(model, Var<float>.Constant(x), Var<float>.Constant(muTensor), Var<float>.Constant(logVarTensor), eps).Value.Item();
            scope.Reset();
        }
        return -sum / samples / x.Shape[0];
    }
}
