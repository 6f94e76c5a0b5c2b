using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Demonstrations;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Demonstrations;

/// <summary>The prior-sampling estimate against a direct computation, and its summary statistics against their definitions.</summary>
[TestFixture]
public class PriorSamplingDemoTests
{
    [Test]
    public void SummaryMatchesTheDefinitions()
    {
        double[] logLikelihoods = [-3.0, -1.0, -2.5, -1.2];
        var summary = PriorSamplingDemo.Summarise(logLikelihoods);
        double[] weights = logLikelihoods.Select(Math.Exp).ToArray();
        Assert.That(summary.Samples, Is.EqualTo(4));
        Assert.That(summary.LogLikelihoodEstimate, Is.EqualTo(Math.Log(weights.Average())).Within(1e-14));
        Assert.That(summary.BestLogLikelihood, Is.EqualTo(-1.0));
        Assert.That(summary.EffectiveSamples, Is.EqualTo(Math.Pow(weights.Sum(), 2) / weights.Sum(w => w * w)).Within(1e-12));
    }

    [Test]
    public void SummaryStaysFiniteForLogLikelihoodsFarBelowZero()
    {
        // e^−800 underflows in double; the estimate is computed around the maximum and must not.
        var summary = PriorSamplingDemo.Summarise([-800.0, -801.0]);
        Assert.That(summary.LogLikelihoodEstimate, Is.EqualTo(-800 + Math.Log((1 + Math.Exp(-1)) / 2)).Within(1e-12));
    }

    [Test]
    public void EstimateAveragesTheDecoderLikelihoodOverThePriorStream()
    {
        var options = new VaeOptions { InputSize = 6, HiddenSizes = [5], LatentSize = 3 };
        using var model = new VaeModel<float>(options, Device.Host, seed: 11);
        float[] image = [0.1f, 0.9f, 0.5f, 0f, 1f, 0.3f];
        const ulong seed = 1234;
        var estimates = PriorSamplingDemo.Estimate(model, image, [3, 7], seed);

        // Directly: the first 7 normals of the stream, decoded one batch, log p(x|z) per row.
        double[] direct;
        using (var scope = Tape.NoGrad())
        {
            var z = Var<float>.Constant(Tensor<float>.Normal(Shape.Matrix(7, 3), seed, 0), takeOwnership: true);
            var x = Var<float>.Constant(Tensor<float>.FromArray(Enumerable.Repeat(image, 7).SelectMany(v => v).ToArray(), Shape.Matrix(7, 6)), takeOwnership: true);
            direct = model.LogLikelihood(model.Decode(z), x).Value.ToArray().Select(v => (double)v).ToArray();
        }
        double LogMeanExp(IEnumerable<double> values) => Math.Log(values.Select(Math.Exp).Average());
        Assert.That(estimates.Select(e => e.Samples), Is.EqualTo(new[] { 3, 7 }));
        Assert.That(estimates[0].LogLikelihoodEstimate, Is.EqualTo(LogMeanExp(direct.Take(3))).Within(1e-5));
        Assert.That(estimates[1].LogLikelihoodEstimate, Is.EqualTo(LogMeanExp(direct)).Within(1e-5));
        Assert.That(estimates[1].BestLogLikelihood, Is.EqualTo(direct.Max()).Within(1e-5));
    }
}
