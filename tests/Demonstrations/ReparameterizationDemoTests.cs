using ScratchVae.Tensors;
using ScratchVae.Vae.Demonstrations;

namespace ScratchVae.Tests.Demonstrations;

/// <summary>The reparameterization demonstration at a tiny size: the facts docs/demonstrations.md states, asserted.</summary>
[TestFixture]
public class ReparameterizationDemoTests
{
    private static readonly ReparameterizationDemoOptions Tiny = new() { Steps = 60, BatchSize = 32, Hidden = 32, Latent = 4, LearningRate = 3e-3, ProbeCount = 128 };

    private static ReparameterizationDemoResult? s_result;

    private static ReparameterizationDemoResult Result => s_result ??= ReparameterizationDemo.Run(Tiny, DemoData.Small, Device.Host);

    private static GradientNorms Norms(bool trick, string term) => Result.Norms.Single(n => n.Trick == trick && n.Term == term);

    [Test]
    public void WithoutTheTrickTheReconstructionTermSendsExactlyNoGradientToTheEncoder()
    {
        var without = Norms(trick: false, "reconstruction");
        Assert.That(without.EncoderHidden, Is.EqualTo(0.0));
        Assert.That(without.EncoderMu, Is.EqualTo(0.0));
        Assert.That(without.EncoderLogVar, Is.EqualTo(0.0));
        Assert.That(without.Decoder, Is.GreaterThan(0.0), "the decoder still learns from the reconstruction");
    }

    [Test]
    public void WithTheTrickTheReconstructionTermReachesEveryEncoderLayer()
    {
        var with = Norms(trick: true, "reconstruction");
        Assert.That(with.EncoderHidden, Is.GreaterThan(0.0));
        Assert.That(with.EncoderMu, Is.GreaterThan(0.0));
        Assert.That(with.EncoderLogVar, Is.GreaterThan(0.0));
    }

    [Test]
    public void TheKlTermIsTheSameEitherWayAndNeverReachesTheDecoder()
    {
        var with = Norms(trick: true, "kl");
        var without = Norms(trick: false, "kl");
        Assert.That(without, Is.EqualTo(with with { Trick = false }));
        Assert.That(with.Decoder, Is.EqualTo(0.0));
        Assert.That(with.Encoder, Is.GreaterThan(0.0));
    }

    [Test]
    public void TheDecoderSeesTheSameGradientEitherWay()
    {
        // The forward values are identical; only the path back into the encoder differs.
        Assert.That(Norms(trick: false, "reconstruction").Decoder, Is.EqualTo(Norms(trick: true, "reconstruction").Decoder));
    }

    [Test]
    public void WithoutTheTrickTrainingCollapsesTheEncoderOntoThePrior()
    {
        var with = Result.Training.Single(t => t.Trick);
        var without = Result.Training.Single(t => !t.Trick);
        // Only the KL term trains the encoder, so q(z|x) → N(0, I) and z says nothing about x.
        Assert.That(without.Kl, Is.LessThan(0.1 * with.Kl));
        Assert.That(without.Reconstruction, Is.GreaterThan(with.Reconstruction));
        Assert.That(without.Loss, Is.GreaterThan(with.Loss));
    }
}
