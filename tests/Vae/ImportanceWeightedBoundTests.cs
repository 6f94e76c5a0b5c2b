using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The importance-weighted estimate of log p(x), in float64 on the host: exact where the proposal is the true
/// posterior, a bound that tightens with K otherwise, and the ELBO in expectation for K = 1.
/// </summary>
[TestFixture]
public class ImportanceWeightedBoundTests
{
    private readonly Device _device = Device.Open("host");

    private double[] Estimate(ILatentVariableModel<double> model, double[] x, int dimensions, int samples, ulong seed, int rowsPerChunk = 1024, ulong batch = 0)
    {
        using var input = Tensor<double>.FromArray(x, Shape.Matrix(x.Length / dimensions, dimensions), _device);
        return new ImportanceWeightedBound<double>(model, samples, seed, rowsPerChunk).Estimate(input, batch);
    }

    [Test]
    public void WithTheExactPosteriorEveryLogWeightIsLogPOfX()
    {
        using var model = new LinearGaussianModel(_device, dimensions: 5, latent: 2, variance: 0.3, seed: 3);
        const int examples = 6;
        var x = model.Draw(examples, seed: 11);
        var exact = Enumerable.Range(0, examples).Select(i => model.ExactLogLikelihood(x.AsSpan(i * 5, 5))).ToArray();

        // Single log-weights log p(x|z) + log p(z) − log q(z|x) at arbitrary z (here far from the posterior mean too).
        using (var scope = Tape.NoGrad())
        {
            var input = Var<double>.Constant(Tensor<double>.FromArray(x, Shape.Matrix(examples, 5), _device), takeOwnership: true);
            var (mu, logVar) = model.Encode(input);
            var z = Var<double>.Constant(Tensor<double>.Normal(Shape.Matrix(examples, 2), seed: 5, standardDeviation: 3, device: _device), takeOwnership: true);
            var weights = ImportanceWeightedBound<double>.LogWeights(model, input, mu, logVar, z).Value.ToArray();
            for (int i = 0; i < examples; i++)
                Assert.That(weights[i], Is.EqualTo(exact[i]).Within(1e-10 * Math.Abs(exact[i])), $"example {i}");
        }

        // The estimator for several K, with chunks that split the samples unevenly (K = 7, 2 samples per chunk).
        foreach (int samples in new[] { 1, 7, 50 })
        {
            var estimates = Estimate(model, x, 5, samples, seed: 9, rowsPerChunk: 2 * examples);
            for (int i = 0; i < examples; i++)
                Assert.That(estimates[i], Is.EqualTo(exact[i]).Within(1e-10 * Math.Abs(exact[i])), $"K = {samples}, example {i}");
        }
    }

    [Test]
    public void WithAPoorProposalTheBoundStaysBelowLogPOfXAndTightensAsKGrows()
    {
        // The posterior's means halved and its variances multiplied by e: a proposal that is too narrow around the wrong place.
        using var model = new LinearGaussianModel(_device, dimensions: 5, latent: 2, variance: 0.3, seed: 3, meanScale: 0.5, logVarianceShift: 1.0);
        const int examples = 400;
        var x = model.Draw(examples, seed: 12);
        var exact = Enumerable.Range(0, examples).Select(i => model.ExactLogLikelihood(x.AsSpan(i * 5, 5))).ToArray();

        var gaps = new List<(int K, double Gap, double StandardError)>();
        foreach (int samples in new[] { 1, 4, 16, 64, 256 })
        {
            var estimates = Estimate(model, x, 5, samples, seed: 21);
            // gap = log p(x) − L_K per example, averaged: E[gap] ≥ 0, shrinking with K.
            var gap = exact.Zip(estimates, (e, l) => e - l).ToArray();
            double mean = gap.Average();
            double standardError = Math.Sqrt(gap.Sum(g => (g - mean) * (g - mean)) / (examples - 1) / examples);
            gaps.Add((samples, mean, standardError));
            TestContext.Out.WriteLine($"K = {samples,3}: mean log p(x) − L_K = {mean:F4} ± {standardError:F4}");
        }
        for (int k = 0; k < gaps.Count; k++)
        {
            Assert.That(gaps[k].Gap, Is.GreaterThan(-3 * gaps[k].StandardError), $"L_K must not exceed log p(x) on average (K = {gaps[k].K})");
            if (k > 0)
                Assert.That(gaps[k].Gap, Is.LessThan(gaps[k - 1].Gap), $"the bound must tighten from K = {gaps[k - 1].K} to K = {gaps[k].K}");
        }
        Assert.That(gaps[0].Gap, Is.GreaterThan(0.5), "the spoiled proposal must leave a real gap at K = 1, or the test proves nothing");
        Assert.That(gaps[^1].Gap, Is.LessThan(0.1 * gaps[0].Gap), "with 256 samples most of the gap closes");
    }

    [Test]
    public void ForOneSampleTheExpectationIsTheElbo()
    {
        // A tiny random VAE (6 pixels, 5 hidden, 2 latent) in float64; 4 images, each repeated 1000 times.
        var options = new VaeOptions { InputSize = 6, HiddenSizes = [5], LatentSize = 2 };
        using var vae = new VaeModel<double>(options, _device, seed: 17);
        const int distinct = 4, copies = 1000, rows = distinct * copies;
        var images = Enumerable.Range(0, distinct * 6).Select(i => ((i * 37) % 11) / 10.0).ToArray();
        var x = new double[rows * 6];
        for (int r = 0; r < rows; r++) Array.Copy(images, (r % distinct) * 6, x, r * 6, 6);

        var iw = Estimate(new VaeLatentModel<double>(vae), x, 6, samples: 1, seed: 31, rowsPerChunk: 512);

        // The ELBO per row with independent noise: log p(x|z) − KL(q(z|x) ‖ p(z)), KL in closed form; its sum is
        // the network's own negative ELBO (the training loss) with the opposite sign.
        double[] elbo;
        using (var scope = Tape.NoGrad())
        {
            var input = Var<double>.Constant(Tensor<double>.FromArray(x, Shape.Matrix(rows, 6), _device), takeOwnership: true);
            var (mu, logVar) = vae.Encode(input);
            var z = Ops.Reparameterize(mu, logVar, seed: 99, counterOffset: 0);
            elbo = (vae.LogLikelihood(vae.Decode(z), input) - Ops.KlDivergenceToStandardNormal(mu, logVar)).Value.ToArray();
            double loss = vae.NegativeElbo(input, seed: 99, counterOffset: 0).Loss.Value.Item();
            Assert.That(-elbo.Sum(), Is.EqualTo(loss).Within(1e-9 * Math.Abs(loss)), "per-row ELBO vs the training loss");
        }

        for (int example = 0; example < distinct; example++)
        {
            var a = Enumerable.Range(0, copies).Select(c => iw[c * distinct + example]).ToArray();
            var b = Enumerable.Range(0, copies).Select(c => elbo[c * distinct + example]).ToArray();
            double meanA = a.Average(), meanB = b.Average();
            double standardError = Math.Sqrt((Variance(a) + Variance(b)) / copies);
            TestContext.Out.WriteLine($"example {example}: E[L_1] ≈ {meanA:F4}, ELBO ≈ {meanB:F4}, standard error of the difference {standardError:F4}");
            Assert.That(Math.Abs(meanA - meanB), Is.LessThan(4 * standardError), $"example {example}");
            // L_1 is a noisier estimate than the ELBO with analytic KL, but both are finite and centred on the same value.
            Assert.That(standardError, Is.GreaterThan(0).And.LessThan(0.2));
        }
    }

    [Test]
    public void TheSameSeedGivesTheSameEstimatesAndDifferentBatchesGetDifferentNoise()
    {
        using var model = new LinearGaussianModel(_device, dimensions: 4, latent: 2, variance: 0.5, seed: 4, meanScale: 0.7);
        var x = model.Draw(3, seed: 1);
        var first = Estimate(model, x, 4, 10, seed: 5);
        Assert.That(Estimate(model, x, 4, 10, seed: 5), Is.EqualTo(first));
        Assert.That(Estimate(model, x, 4, 10, seed: 5, batch: 1), Is.Not.EqualTo(first));
        Assert.That(Estimate(model, x, 4, 10, seed: 6), Is.Not.EqualTo(first));
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }
}
