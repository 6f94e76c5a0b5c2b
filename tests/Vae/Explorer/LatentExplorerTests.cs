using ScratchVae.Tensors;
using ScratchVae.Tests.Demonstrations;
using ScratchVae.Vae.Explorer;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae.Explorer;

/// <summary>The explorer's computations against a float64 forward pass written out from the weights.</summary>
[TestFixture]
public class LatentExplorerTests
{
    private static readonly VaeOptions Options = new() { InputSize = 784, HiddenSizes = [32], LatentSize = 4 };

    private static VaeModel<float> NewModel() => new(Options, Device.Host, seed: 5);

    // The weights by name, as float64.
    private static Dictionary<string, double[]> Weights(VaeModel<float> model) =>
        model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray().Select(v => (double)v).ToArray());

    // y = W x + b for W [out, in].
    private static double[] Affine(double[] w, double[] b, double[] x)
    {
        var y = new double[b.Length];
        for (int o = 0; o < b.Length; o++)
        {
            double sum = b[o];
            for (int i = 0; i < x.Length; i++) sum += w[o * x.Length + i] * x[i];
            y[o] = sum;
        }
        return y;
    }

    private static double[] Relu(double[] x) => x.Select(v => Math.Max(0, v)).ToArray();

    private static double[] ReferenceDecode(Dictionary<string, double[]> w, double[] z) =>
        Affine(w["decoder.out.weight"], w["decoder.out.bias"], Relu(Affine(w["decoder.hidden.0.weight"], w["decoder.hidden.0.bias"], z)))
            .Select(v => 1 / (1 + Math.Exp(-v))).ToArray();

    private static (double[] Mu, double[] LogVar) ReferenceEncode(Dictionary<string, double[]> w, double[] x)
    {
        var h = Relu(Affine(w["encoder.hidden.0.weight"], w["encoder.hidden.0.bias"], x));
        return (Affine(w["encoder.mu.weight"], w["encoder.mu.bias"], h), Affine(w["encoder.logvar.weight"], w["encoder.logvar.bias"], h));
    }

    [Test]
    public void DecodeIsTheDecodersPixelMeans()
    {
        using var model = NewModel();
        var explorer = new LatentExplorer(model, DemoData.Small.Test);
        double[] z = [0.5, -1.25, 2, 0.1];
        var decoded = explorer.Decode(z);
        var expected = ReferenceDecode(Weights(model), z);
        Assert.That(decoded.Pixels, Has.Length.EqualTo(784));
        for (int i = 0; i < expected.Length; i++) Assert.That(decoded.Pixels[i], Is.EqualTo(expected[i]).Within(2e-6), $"pixel {i}");
        Assert.That(decoded.Milliseconds, Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void TheDimensionsAreOrderedByTheirMeanKlOverTheTestImages()
    {
        using var model = NewModel();
        var test = DemoData.Small.Test;
        var explorer = new LatentExplorer(model, test);
        var w = Weights(model);
        var kl = new double[4];
        for (int n = 0; n < test.Count; n++)
        {
            var (mu, logVar) = ReferenceEncode(w, test.Image(n).ToArray().Select(v => (double)v).ToArray());
            for (int j = 0; j < 4; j++) kl[j] += 0.5 * (mu[j] * mu[j] + Math.Exp(logVar[j]) - 1 - logVar[j]) / test.Count;
        }
        for (int j = 0; j < 4; j++) Assert.That(explorer.KlPerDimension[j], Is.EqualTo(kl[j]).Within(1e-5 * (1 + kl[j])), $"dimension {j}");
        Assert.That(explorer.Order, Is.EquivalentTo(new[] { 0, 1, 2, 3 }));
        for (int k = 1; k < 4; k++) Assert.That(explorer.KlPerDimension[explorer.Order[k]], Is.LessThanOrEqualTo(explorer.KlPerDimension[explorer.Order[k - 1]]));
    }

    [Test]
    public void ATestImageShowsItsPosteriorAndTheDecodeOfItsMean()
    {
        using var model = NewModel();
        var test = DemoData.Small.Test;
        var explorer = new LatentExplorer(model, test);
        var view = explorer.TestImage(7);
        var w = Weights(model);
        var (mu, logVar) = ReferenceEncode(w, test.Image(7).ToArray().Select(v => (double)v).ToArray());
        Assert.That(view.Label, Is.EqualTo(test.Labels[7]));
        Assert.That(view.Pixels, Is.EqualTo(test.Image(7).ToArray()));
        for (int j = 0; j < 4; j++)
        {
            Assert.That(view.Mu[j], Is.EqualTo(mu[j]).Within(1e-5));
            Assert.That(view.Sigma[j], Is.EqualTo(Math.Exp(0.5 * logVar[j])).Within(1e-5));
        }
        Assert.That(view.Reconstruction, Is.EqualTo(explorer.Decode(view.Mu.Select(v => (double)v).ToArray()).Pixels));
    }

    [Test]
    public void APathRunsFromOneMeanToTheOtherInEvenSteps()
    {
        using var model = NewModel();
        var explorer = new LatentExplorer(model, DemoData.Small.Test);
        var (z, pixels) = explorer.Path(3, 9, 5);
        var a = explorer.TestImage(3);
        var b = explorer.TestImage(9);
        Assert.That(z, Has.Length.EqualTo(5));
        Assert.That(z[0], Is.EqualTo(a.Mu));
        Assert.That(z[4], Is.EqualTo(b.Mu));
        for (int j = 0; j < 4; j++) Assert.That(z[2][j], Is.EqualTo(0.5 * (a.Mu[j] + b.Mu[j])).Within(1e-6));
        Assert.That(pixels[0], Is.EqualTo(a.Reconstruction));
        Assert.That(pixels[4], Is.EqualTo(b.Reconstruction));
    }

    [TestCase(new[] { 0.0, 0, 0 }, "z has 3 numbers but the model's latent space has 4 dimensions")]
    [TestCase(new[] { 0.0, 0, 10.5, 0 }, "z[2] = 10.5 is outside [-10, 10]")]
    [TestCase(new[] { 0.0, double.NaN, 0, 0 }, "z[1] = NaN is outside [-10, 10]")]
    public void AZOfTheWrongLengthOrRangeIsRefusedByName(double[] z, string message)
    {
        using var model = NewModel();
        var explorer = new LatentExplorer(model, DemoData.Small.Test);
        Assert.That(() => explorer.Decode(z), Throws.TypeOf<ExplorerRequestException>().With.Message.EqualTo(message));
    }

    [Test]
    public void IndicesAndStepsOutsideTheirRangesAreRefusedByName()
    {
        using var model = NewModel();
        var explorer = new LatentExplorer(model, DemoData.Small.Test);
        Assert.That(() => explorer.TestImage(128), Throws.TypeOf<ExplorerRequestException>().With.Message.EqualTo("index must be a test image index in 0..127, not 128"));
        Assert.That(() => explorer.Path(-1, 0, 5), Throws.TypeOf<ExplorerRequestException>().With.Message.EqualTo("from must be a test image index in 0..127, not -1"));
        Assert.That(() => explorer.Path(0, 1, 65), Throws.TypeOf<ExplorerRequestException>().With.Message.EqualTo("steps must be between 2 and 64, not 65"));
    }
}
