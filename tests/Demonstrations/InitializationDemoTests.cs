using ScratchVae.Tensors;
using ScratchVae.Vae.Demonstrations;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Demonstrations;

/// <summary>The initialisation demonstration at a tiny size, and its dead-unit counter on hand-made activations.</summary>
[TestFixture]
public class InitializationDemoTests
{
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
    public void BothInitialisationsAreMeasuredAtTheScheduledStepsAndTrainingLowersTheLoss()
    {
        var options = new InitializationDemoOptions { Steps = 16, BatchSize = 32, Hidden = 32, Latent = 4, ProbeCount = 128, Measurements = 3 };
        var results = InitializationDemo.Run(options, DemoData.Small, Device.Host);
        foreach (var initialization in new[] { Initialization.PyTorch, Initialization.Xavier })
        {
            var runs = results.Where(m => m.Initialization == initialization).ToList();
            Assert.That(runs.Select(m => m.Step), Is.EqualTo(new[] { 0, 4, 8, 16 }), $"{initialization}: steps 0 and Steps, Steps/2, Steps/4");
            Assert.That(runs.All(m => m.EncoderDead is >= 0 and <= 1 && m.DecoderDead is >= 0 and <= 1), $"{initialization}: fractions");
            Assert.That(runs[^1].Loss, Is.LessThan(runs[0].Loss), $"{initialization}: the loss after training");
        }
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
        var (encoder, _) = InitializationDemo.DeadFractions(model, probe);
        Assert.That(encoder, Is.EqualTo(0.75));
    }
}
