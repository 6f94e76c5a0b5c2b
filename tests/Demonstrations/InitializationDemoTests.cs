using ScratchVae.Autograd;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Demonstrations;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Demonstrations;

/// <summary>
/// The initialisation demonstration: its dead-unit counter on hand-made activations, its bookkeeping at a tiny size,
/// and every fact docs/demonstrations.md states, at the page's own model size (784-400-20, batch 128, the embedded
/// MNIST), three seeds, 200 steps.
/// </summary>
[TestFixture]
public class InitializationDemoTests
{
    private static readonly InitializationDemoOptions PageSettings = new() { Steps = 200, Measurements = 1, ProbeCount = 1000, Seeds = 3 };

    private static IReadOnlyList<InitializationMeasurement>? s_page;

    // The runs the page's claims are about, trained once for all the tests below.
    private static IReadOnlyList<InitializationMeasurement> Page => s_page ??=
    [
        .. InitializationDemo.Run(PageSettings with { Initializations = [Initialization.PyTorch, Initialization.Xavier, Initialization.Kaiming] }, DataSources.Load("mnist"), Device.Host),
    ];

    private static InitializationMeasurement Final(Initialization initialization, DemoOptimizer optimizer, ulong seed) =>
        Page.Single(m => m.Initialization == initialization && m.Optimizer == optimizer && m.Seed == seed && m.Step == 200);

    private static double EncoderDead(Initialization initialization, DemoOptimizer optimizer, ulong seed) => Final(initialization, optimizer, seed).EncoderDead;

    // The smallest and largest of a figure over the three seeds.
    private static (double Min, double Max) Range(Initialization initialization, DemoOptimizer optimizer, Func<InitializationMeasurement, double> figure)
    {
        var values = PageSeeds.Select(seed => figure(Final(initialization, optimizer, seed))).ToList();
        return (values.Min(), values.Max());
    }

    private static readonly ulong[] PageSeeds = [1, 2, 3];

    [Test]
    public void DeadColumnsCountsTheUnitsThatAreZeroForEveryExample()
    {
        // Columns: alive in row 0 only; dead; alive in every row; dead; alive in the last row only.
        float[,] activations =
        {
            { 1.5f, 0f, 0.1f, 0f, 0f },
            { 0f, 0f, 2.0f, 0f, 0f },
            { 0f, 0f, 0.3f, 0f, 1e-30f },
        };
        using var tensor = Tensor<float>.FromArray(activations);
        Assert.That(InitializationDemo.DeadColumns(tensor), Is.EqualTo(2));
    }

    [Test]
    public void EveryPairAndSeedIsMeasuredAtTheScheduledStepsAndTrainingLowersTheLoss()
    {
        var options = new InitializationDemoOptions
        {
            Steps = 16, BatchSize = 32, Hidden = 32, Latent = 4, ProbeCount = 128, Measurements = 3, Seeds = 2,
            Initializations = [Initialization.PyTorch, Initialization.Kaiming],
        };
        var results = InitializationDemo.Run(options, DemoData.Small, Device.Host);
        Assert.That(results, Has.Count.EqualTo(2 * 2 * 2 * 4), "initialisations × optimizers × seeds × (step 0 and 3 measurements)");
        foreach (var group in results.GroupBy(m => (m.Initialization, m.Optimizer, m.Seed)))
        {
            var runs = group.ToList();
            Assert.That(runs.Select(m => m.Step), Is.EqualTo(new[] { 0, 4, 8, 16 }), $"{group.Key}: steps 0 and Steps, Steps/2, Steps/4");
            Assert.That(runs.All(m => m.EncoderDead is >= 0 and <= 1 && m.DecoderDead is >= 0 and <= 1 && !m.Diverged), $"{group.Key}: fractions");
            Assert.That(runs[^1].Loss, Is.LessThan(runs[0].Loss), $"{group.Key}: the loss after training");
        }
        // The summary's spread is the mean, smallest and largest over the seeds.
        var summary = InitializationDemo.Summarise(results).Single(s => s.Initialization == Initialization.Kaiming && s.Optimizer == DemoOptimizer.Sgd && s.Step == 16);
        var losses = results.Where(m => m.Initialization == Initialization.Kaiming && m.Optimizer == DemoOptimizer.Sgd && m.Step == 16).Select(m => m.Loss).ToList();
        Assert.That(summary.Seeds, Is.EqualTo(2));
        Assert.That(summary.Diverged, Is.Zero);
        Assert.That(summary.Loss, Is.EqualTo(new Spread(losses.Average(), losses.Min(), losses.Max())));
    }

    [Test]
    public void TheSameSeedGivesTheSameRunAndAnotherSeedAnotherOne()
    {
        var options = new InitializationDemoOptions { Steps = 4, BatchSize = 16, Hidden = 16, Latent = 2, ProbeCount = 64, Measurements = 1, Seeds = 2, Initializations = [Initialization.Xavier], Optimizers = [DemoOptimizer.Adam] };
        var first = InitializationDemo.Run(options, DemoData.Small, Device.Host);
        var again = InitializationDemo.Run(options, DemoData.Small, Device.Host);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(first.Single(m => m.Seed == 1 && m.Step == 4).Loss, Is.Not.EqualTo(first.Single(m => m.Seed == 2 && m.Step == 4).Loss));
    }

    [Test]
    public void DeadFractionsAgreeWithAManualForwardPass()
    {
        // A ReLU encoder layer whose bias is very negative is dead for every input in [0, 1]; zeroing one unit's bias
        // and making its weights positive revives exactly that unit.
        var options = new VaeOptions { InputSize = 6, HiddenSizes = [4], LatentSize = 2 };
        using var model = new VaeModel<float>(options, Device.Host, seed: 7);
        var values = model.Snapshot().Select(v => v.ToArray()).ToList();
        Array.Fill(values[0], 0.5f);           // encoder.hidden.0.weight [4, 6]
        Array.Fill(values[1], -100f);          // encoder.hidden.0.bias [4]
        values[1][2] = 0f;                     // unit 2 alive: 0.5 · Σ x > 0 for any non-blank image
        model.LoadValues(values);
        using var probe = Tensor<float>.FromArray(new float[] { 0.2f, 0.4f, 0, 1, 0.5f, 0.1f, 1, 0, 0, 0, 0, 0 }, Shape.Matrix(2, 6));
        var (encoder, _) = InitializationDemo.DeadFractions(model, probe, seed: 1);
        Assert.That(encoder, Is.EqualTo(0.75));
    }

    [Test]
    public void TheDecoderIsProbedAtTheSampledZ()
    {
        // A decoder unit whose weights on z are +1 and bias −2.5 is off for every z = μ near 0, but on for a z = μ + σ ε
        // with σ = 1 that lands above 2.5 in the first dimension, which one of 200 draws does with probability ≈ 1 − (1 − 0.006)^200.
        var options = new VaeOptions { InputSize = 6, HiddenSizes = [3], LatentSize = 2 };
        using var model = new VaeModel<float>(options, Device.Host, seed: 7);
        var names = model.NamedParameters().Select(p => p.Name).ToList();
        var values = model.Snapshot().Select(v => v.ToArray()).ToList();
        void Set(string name, Action<float[]> change) => change(values[names.IndexOf(name)]);
        Set("encoder.mu.weight", w => Array.Clear(w));
        Set("encoder.mu.bias", b => Array.Clear(b));
        Set("encoder.logvar.weight", w => Array.Clear(w));
        Set("encoder.logvar.bias", b => Array.Clear(b));     // q(z|x) = N(0, I) for every x
        Set("decoder.hidden.0.weight", w => Array.Fill(w, 1f));
        Set("decoder.hidden.0.bias", b => Array.Fill(b, -2.5f));
        model.LoadValues(values);
        var pixels = new float[200 * 6];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (i % 7) / 7f;
        using var probe = Tensor<float>.FromArray(pixels, Shape.Matrix(200, 6));
        var (_, decoder) = InitializationDemo.DeadFractions(model, probe, seed: 1);
        Assert.That(DecoderDeadAtTheMean(model, probe), Is.EqualTo(1.0), "at z = μ = 0 every unit is off");
        Assert.That(decoder, Is.EqualTo(0.0), "some sampled z turns every unit on");
    }

    // --- The facts the page states, at its model size and three seeds. ---

    [Test]
    public void WithAdamTheLargerTheInitialWeightsTheFewerEncoderUnitsDieWithRangesThatDoNotOverlap()
    {
        var pytorch = Range(Initialization.PyTorch, DemoOptimizer.Adam, m => m.EncoderDead);
        var xavier = Range(Initialization.Xavier, DemoOptimizer.Adam, m => m.EncoderDead);
        var kaiming = Range(Initialization.Kaiming, DemoOptimizer.Adam, m => m.EncoderDead);
        Assert.That(pytorch.Min, Is.GreaterThan(0.3), "about a third of the encoder dies with the default");
        Assert.That(xavier.Max, Is.LessThan(pytorch.Min));
        Assert.That(kaiming.Max, Is.LessThan(xavier.Min));
        Assert.That(kaiming.Max, Is.LessThan(0.06), "few die with Kaiming");
    }

    [Test]
    public void PlainSgdReversesTheOrderThePyTorchDefaultLosesFewUnitsKaimingMany()
    {
        var pytorch = Range(Initialization.PyTorch, DemoOptimizer.Sgd, m => m.EncoderDead);
        var xavier = Range(Initialization.Xavier, DemoOptimizer.Sgd, m => m.EncoderDead);
        var kaiming = Range(Initialization.Kaiming, DemoOptimizer.Sgd, m => m.EncoderDead);
        Assert.That(pytorch.Max, Is.LessThan(0.06));
        Assert.That(kaiming.Min, Is.GreaterThan(0.35));
        foreach (ulong seed in PageSeeds)
        {
            Assert.That(EncoderDead(Initialization.PyTorch, DemoOptimizer.Sgd, seed), Is.LessThan(EncoderDead(Initialization.Xavier, DemoOptimizer.Sgd, seed)), $"seed {seed}");
            Assert.That(EncoderDead(Initialization.Xavier, DemoOptimizer.Sgd, seed), Is.LessThan(EncoderDead(Initialization.Kaiming, DemoOptimizer.Sgd, seed)), $"seed {seed}");
        }
        Assert.That(xavier.Max - xavier.Min, Is.GreaterThan(0.2), "Xavier with SGD: the spread over the seeds is wide");
    }

    [Test]
    public void EverySgdRunEndsBehindEveryAdamRunOfTheSameScheme()
    {
        foreach (var initialization in new[] { Initialization.PyTorch, Initialization.Xavier, Initialization.Kaiming })
            Assert.That(Range(initialization, DemoOptimizer.Sgd, m => m.Loss).Min, Is.GreaterThan(Range(initialization, DemoOptimizer.Adam, m => m.Loss).Max), $"{initialization}");
    }

    [Test]
    public void NoEncoderUnitIsDeadAtInitialisationAndTheDecoderHardlyEverAtTheSampledZ()
    {
        foreach (var m in Page.Where(m => m.Step == 0))
        {
            Assert.That(m.EncoderDead, Is.Zero, $"{m.Initialization} seed {m.Seed}");
            Assert.That(m.DecoderDead, Is.LessThan(0.01), $"{m.Initialization} seed {m.Seed}");
        }
        foreach (var m in Page.Where(m => m.Step == 200)) Assert.That(m.DecoderDead, Is.LessThan(0.01), $"{m.Initialization} {m.Optimizer} seed {m.Seed}");
    }

    [Test]
    public void AtZEqualsMuAQuarterOfTheDefaultDecodersUnitsLookDeadAtInitialisation()
    {
        // What the page measured before: probing the decoder at z = μ(x) ≈ 0 counts units off for its bias alone.
        var data = DataSources.Load("mnist");
        using var probe = DemoSupport.Probe(data.Test, 1000, Device.Host);
        foreach (ulong seed in PageSeeds)
        {
            var options = new VaeOptions { InputSize = 784, HiddenSizes = [400], LatentSize = 20 };
            using var model = new VaeModel<float>(options, Device.Host, Seeds.Derive(seed, Seeds.Initialization));
            Assert.That(DecoderDeadAtTheMean(model, probe), Is.InRange(0.2, 0.35), $"seed {seed}");
            Assert.That(InitializationDemo.DeadFractions(model, probe, seed).Decoder, Is.LessThan(0.01), $"seed {seed}: at the sampled z");
        }
    }

    [Test]
    public void TheLossWithKaimingIsTheLowestAfter200AdamStepsForEverySeed()
    {
        foreach (ulong seed in PageSeeds)
        {
            double Loss(Initialization i) => Final(i, DemoOptimizer.Adam, seed).Loss;
            double Start(Initialization i) => Page.Single(m => m.Initialization == i && m.Optimizer == DemoOptimizer.Adam && m.Seed == seed && m.Step == 0).Loss;
            Assert.That(Start(Initialization.Kaiming), Is.GreaterThan(Start(Initialization.PyTorch) + 100), $"seed {seed}: Kaiming starts from a larger error");
            Assert.That(Loss(Initialization.Kaiming), Is.LessThan(Loss(Initialization.PyTorch)), $"seed {seed}");
            Assert.That(Loss(Initialization.Kaiming), Is.LessThan(Loss(Initialization.Xavier)), $"seed {seed}");
        }
    }

    [Test]
    public void TheNaiveStandardNormalInitialisationOverflowsBeforeTheFirstStep()
    {
        var options = PageSettings with { Initializations = [Initialization.Normal], Optimizers = [DemoOptimizer.Adam] };
        var results = InitializationDemo.Run(options, DataSources.Load("mnist"), Device.Host);
        Assert.That(results, Has.Count.EqualTo(3), "one measurement per seed: each run stops at step 0");
        foreach (var m in results)
        {
            Assert.That(m.Step, Is.Zero);
            Assert.That(m.Diverged, Is.True, $"seed {m.Seed}: loss {m.Loss}");
            Assert.That(m.LargestLogVariance, Is.GreaterThan(88.8), $"seed {m.Seed}: exp(log σ²) overflows float32");
        }
        var summary = InitializationDemo.Summarise(results).Single();
        Assert.That((summary.Diverged, summary.Loss), Is.EqualTo((3, (Spread?)null)));
    }

    // The fraction of the decoder's hidden units that are off for every z = μ(x) of the probe.
    private static double DecoderDeadAtTheMean(VaeModel<float> model, Tensor<float> probe)
    {
        using var scope = Tape.NoGrad();
        var (mu, _) = model.Encode(Var<float>.Constant(probe));
        var decoder = (MlpDecoder<float>)model.Decoder;
        var h = decoder.Hidden[0].Forward<ReluOperator>(mu);
        return (double)InitializationDemo.DeadColumns(h.Value) / h.Shape[1];
    }
}
