using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Demonstrations;

namespace ScratchVae.Tests.Demonstrations;

/// <summary>
/// The reparameterization demonstration: the facts docs/demonstrations.md states, asserted — the gradient facts at a
/// tiny size (they hold exactly at any size), the training facts at the page's size (784-400-20, batch 128, 200 Adam
/// steps, seeds 1 to 3, the embedded MNIST).
/// </summary>
[TestFixture]
public class ReparameterizationDemoTests
{
    private static readonly ReparameterizationDemoOptions Tiny = new() { Steps = 0, BatchSize = 32, Hidden = 32, Latent = 4, ProbeCount = 128, Seeds = 1 };

    private static ReparameterizationDemoResult? s_tiny, s_page;

    private static ReparameterizationDemoResult TinyResult => s_tiny ??= ReparameterizationDemo.Run(Tiny, DemoData.Small, Device.Host);

    private static ReparameterizationDemoResult Page => s_page ??= ReparameterizationDemo.Run(new ReparameterizationDemoOptions { Steps = 200 }, DataSources.Load("mnist"), Device.Host);

    private static GradientNorms Norms(ReparameterizationDemoResult result, EncoderGradient way, string term) => result.Norms.Single(n => n.Way == way && n.Term == term);

    private static GradientNorms Norms(EncoderGradient way, string term) => Norms(TinyResult, way, term);

    private static TrainingOutcome Outcome(EncoderGradient way, ulong seed) => Page.Training.Single(t => t.Way == way && t.Seed == seed);

    private static readonly ulong[] PageSeeds = [1, 2, 3];

    [Test]
    public void WithoutTheTrickTheReconstructionTermSendsExactlyNoGradientToTheEncoder()
    {
        var without = Norms(EncoderGradient.None, "reconstruction");
        Assert.That(without.EncoderHidden, Is.EqualTo(0.0));
        Assert.That(without.EncoderMu, Is.EqualTo(0.0));
        Assert.That(without.EncoderLogVar, Is.EqualTo(0.0));
        Assert.That(without.Decoder, Is.GreaterThan(0.0), "the decoder still learns from the reconstruction");
    }

    [Test]
    public void WithTheTrickAndWithTheScoreFunctionTheReconstructionTermReachesEveryEncoderLayer()
    {
        foreach (var way in new[] { EncoderGradient.Pathwise, EncoderGradient.ScoreFunction, EncoderGradient.ScoreFunctionWithBaseline })
        {
            var norms = Norms(way, "reconstruction");
            Assert.That(norms.EncoderHidden, Is.GreaterThan(0.0), $"{way}");
            Assert.That(norms.EncoderMu, Is.GreaterThan(0.0), $"{way}");
            Assert.That(norms.EncoderLogVar, Is.GreaterThan(0.0), $"{way}");
        }
    }

    [Test]
    public void TheKlTermIsTheSameEveryWayAndNeverReachesTheDecoder()
    {
        var with = Norms(EncoderGradient.Pathwise, "kl");
        foreach (var way in Enum.GetValues<EncoderGradient>())
            Assert.That(Norms(way, "kl"), Is.EqualTo(with with { Way = way }), $"{way}");
        Assert.That(with.Decoder, Is.EqualTo(0.0));
        Assert.That(with.Encoder, Is.GreaterThan(0.0));
    }

    [Test]
    public void TheDecoderSeesTheSameGradientEveryWay()
    {
        // The forward values are identical; only the path back into the encoder differs.
        foreach (var way in Enum.GetValues<EncoderGradient>())
            Assert.That(Norms(way, "reconstruction").Decoder, Is.EqualTo(Norms(EncoderGradient.Pathwise, "reconstruction").Decoder), $"{way}");
    }

    [Test]
    public void OneScoreFunctionDrawIsHundredsOfTimesLargerThanThePathwiseGradientAndTheBaselineBringsItNear()
    {
        // At the page's size and seed 1: 928 pathwise, 183,705 score function, 1,305 with the baseline.
        double pathwise = Norms(Page, EncoderGradient.Pathwise, "reconstruction").Encoder;
        double score = Norms(Page, EncoderGradient.ScoreFunction, "reconstruction").Encoder;
        double baseline = Norms(Page, EncoderGradient.ScoreFunctionWithBaseline, "reconstruction").Encoder;
        Assert.That(score, Is.GreaterThan(100 * pathwise));
        Assert.That(score, Is.GreaterThan(100 * baseline));
        Assert.That(baseline, Is.GreaterThan(pathwise).And.LessThan(2 * pathwise));
    }

    [Test]
    public void ScoreWeightsSubtractTheMeanOfTheOtherImages()
    {
        float[] f = [100f, 200f, 600f];
        Assert.That(ReparameterizationDemo.ScoreWeights(f, baseline: false), Is.EqualTo(f));
        Assert.That(ReparameterizationDemo.ScoreWeights(f, baseline: true), Is.EqualTo(new[] { 100f - 400f, 200f - 350f, 600f - 150f }));
    }

    [Test]
    public void WithoutTheTrickTrainingCollapsesTheEncoderOntoThePrior()
    {
        foreach (ulong seed in PageSeeds)
        {
            var with = Outcome(EncoderGradient.Pathwise, seed);
            var without = Outcome(EncoderGradient.None, seed);
            // Only the KL term trains the encoder, so q(z|x) → N(0, I) and z says nothing about x.
            Assert.That(without.Kl, Is.LessThan(0.01), $"seed {seed}");
            Assert.That(without.Reconstruction, Is.GreaterThan(with.Reconstruction + 50), $"seed {seed}");
        }
    }

    [Test]
    public void ThePathwiseGradientTrainsBestTheBaselineHelpsTheScoreFunctionAndTheScoreFunctionAloneEndsLevelWithNoEncoderGradient()
    {
        foreach (ulong seed in PageSeeds)
        {
            double pathwise = Outcome(EncoderGradient.Pathwise, seed).Loss, baseline = Outcome(EncoderGradient.ScoreFunctionWithBaseline, seed).Loss;
            double score = Outcome(EncoderGradient.ScoreFunction, seed).Loss, none = Outcome(EncoderGradient.None, seed).Loss;
            Assert.That(pathwise + 25, Is.LessThan(baseline), $"seed {seed}");
            Assert.That(baseline + 5, Is.LessThan(score), $"seed {seed}");
            Assert.That(Math.Abs(score - none), Is.LessThan(8), $"seed {seed}: level with no encoder gradient at all");
            Assert.That(Outcome(EncoderGradient.ScoreFunction, seed).Kl, Is.GreaterThan(1), $"seed {seed}: the score function does carry information into z");
        }
    }
}
