using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Demonstrations;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The gap decomposition log p(x) − ELBO(q_φ) = approximation gap + amortisation gap: its ELBO is the model's own
/// negative ELBO for the same noise, no steps means no amortisation gap, and optimising each image's q raises the
/// ELBO while the importance-weighted log p(x) stays above it.
/// </summary>
[TestFixture]
public class GapsDemoTests
{
    private static readonly VaeOptions Options = new() { InputSize = 784, HiddenSizes = [32], LatentSize = 4 };

    [Test]
    public void TheAmortisedElboIsTheModelsNegativeElboForTheSameNoise()
    {
        var device = Device.Open("host");
        using var model = new VaeModel<float>(Options, device, seed: 4);
        var test = TrainingData.First(16, 16).Test;
        var gaps = GapsDemo.Measure(model, test, 16, steps: 0, learningRate: 1e-2, elboSamples: 1, iwSamples: 10, seed: 9);
        using var x = Tensor<float>.FromArray(test.Pixels.AsSpan(0, 16 * 784), Shape.Matrix(16, 784), device);
        using var eps = Tensor<float>.Empty(Shape.Matrix(16, 4), device);
        eps.Backend.NormalFill(eps.Buffer, 0, eps.Length, 9, 0, 0f, 1f);
        using var scope = Tape.NoGrad();
        double expected = -model.NegativeElbo(Var<float>.Constant(x), eps).Loss.Value.Item() / 16;
        Assert.That(gaps.AmortisedElbo, Is.EqualTo(expected).Within(1e-4 * Math.Abs(expected)));
        Assert.That(gaps.AmortisationGap, Is.EqualTo(0.0), "without steps q* is the encoder's q");
    }

    [Test]
    public void OptimisingEachImagesPosteriorRaisesTheElboAndStaysBelowTheLikelihood()
    {
        var device = Device.Open("host");
        using var model = new VaeModel<float>(Options, device, seed: 5);
        var test = TrainingData.First(16, 16).Test;
        var gaps = GapsDemo.Measure(model, test, 16, steps: 300, learningRate: 2e-2, elboSamples: 50, iwSamples: 500, seed: 3);
        Assert.That(gaps.AmortisationGap, Is.GreaterThan(0.5), gaps.ToString());
        Assert.That(gaps.ApproximationGap, Is.GreaterThan(0), gaps.ToString());
        Assert.That(gaps.LogLikelihood, Is.GreaterThan(gaps.AmortisedElbo), gaps.ToString());
    }
}
