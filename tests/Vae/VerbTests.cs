using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Cli;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Images;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The evaluation and picture verbs on a small checkpoint (784-16-2, one epoch on 128 digits) trained once for the
/// fixture through the command line: exit codes, printed figures, and the pictures' sizes and contents.
/// </summary>
[TestFixture]
public class VerbTests
{
    private TemporaryFolder _folder = null!;
    private string _checkpoint = null!;
    private ImageDataSet _test = null!;

    [OneTimeSetUp]
    public void TrainACheckpoint()
    {
        _folder = new TemporaryFolder();
        _checkpoint = _folder["checkpoint"];
        var train = Cli.Run("train", "--epochs", "1", "--limit", "128", "--hidden", "16", "--latent", "2", "--batch", "64", "--device", "host", "--out", _checkpoint);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        _test = TrainingData.First(1, 128).Test;
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    private CliResult Run(string verb, params string[] args) => Cli.Run([verb, "--checkpoint", _checkpoint, "--device", "host", .. args]);

    [Test]
    public void EvalReportsTheTrainingTestLossAndALogLikelihoodAboveTheElbo()
    {
        var result = Run("eval", "--iw-samples", "50", "--limit", "128");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        double testLoss = result.Value("test_loss"), logLikelihood = result.Value("iw_log_likelihood");
        double trained = Checkpoint.ReadMetrics(_checkpoint)[^1].TestLoss;
        Assert.That(testLoss, Is.EqualTo(trained).Within(5e-5), "eval's test_loss is the trainer's evaluation, same noise and batches");
        // E[L_K] ≥ ELBO = −test_loss; with 128 examples and 50 samples the margin is many standard errors.
        Assert.That(logLikelihood, Is.GreaterThan(-testLoss));
        // Bernoulli log-probabilities of pixels in [0, 1] are ≤ 0, so log p(x) is too.
        Assert.That(logLikelihood, Is.LessThan(0));
        Assert.That(result.Output, Does.Contain("iw_samples 50"));

        var again = Run("eval", "--iw-samples", "50", "--limit", "128");
        Assert.That(again.Value("iw_log_likelihood"), Is.EqualTo(logLikelihood), "the estimate is reproducible");
        var otherSeed = Run("eval", "--iw-samples", "50", "--limit", "128", "--seed", "9");
        Assert.That(otherSeed.Value("iw_log_likelihood"), Is.Not.EqualTo(logLikelihood).And.EqualTo(logLikelihood).Within(2.0), "another seed: other noise, about the same estimate");
    }

    [Test]
    public void SampleReproducesTheTrainingSamplesAndHonoursCount()
    {
        string path = _folder["sample.png"];
        var result = Run("sample", "--out", path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"wrote {path}"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(Path.Combine(_checkpoint, "samples.png"))),
            "64 samples with the checkpoint's seed are the samples.png training wrote");

        var ten = Run("sample", "--out", _folder["ten.png"], "--count", "10", "--seed", "4");
        Assert.That(ten.ExitCode, Is.EqualTo(0), ten.ToString());
        var png = PngFile.Read(_folder["ten.png"]);
        var grid = Pictures.SampleGrid(10, 4, 28, 28);
        Assert.That((grid.Rows, grid.Columns), Is.EqualTo((3, 4)), "10 samples in rows of ⌈√10⌉ = 4");
        Assert.That((png.Width, png.Height), Is.EqualTo((grid.Width, grid.Height)));

        var svg = Run("sample", "--out", _folder["ten.svg"], "--count", "10", "--seed", "4", "--scale", "2");
        Assert.That(svg.ExitCode, Is.EqualTo(0), svg.ToString());
        var document = SvgFile.Read(_folder["ten.svg"]);
        Assert.That(document.Texts("title"), Is.EqualTo(new[] { "Samples from the prior" }));
        Assert.That(document.Images, Has.Count.EqualTo(10));
        Assert.That((document.Width, document.Height), Is.EqualTo((2 * grid.Width, 2 * grid.Height)));
    }

    [Test]
    public void ReconstructShowsARowOfTestImagesAboveTheRowOfTheirReconstructions()
    {
        string path = _folder["reconstruct.png"];
        var result = Run("reconstruct", "--out", path, "--count", "6");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var png = PngFile.Read(path);
        var grid = Pictures.ReconstructionGrid(6, 28, 28);
        Assert.That((grid.Rows, grid.Columns), Is.EqualTo((2, 6)), "6 originals above 6 reconstructions");
        Assert.That((png.Width, png.Height), Is.EqualTo((grid.Width, grid.Height)));
        AssertTileIsImage(png, grid, 0, 0, image: 0);
        AssertTileIsImage(png, grid, 0, 1, image: 1);
        AssertTileIsImage(png, grid, 0, 5, image: 5);

        using var checkpoint = LoadedCheckpoint.Open(_checkpoint, Device.Open("host"));
        var reconstruction = Pictures.Decode(checkpoint.Model, LatentCodes.Means(checkpoint.Model, _test, [0]));
        AssertTileIs(png, grid, 1, 0, reconstruction, "the reconstruction decode(mu(x₀)) below x₀");

        var svg = Run("reconstruct", "--out", _folder["reconstruct.svg"], "--count", "10");
        Assert.That(svg.ExitCode, Is.EqualTo(0), svg.ToString());
        var labels = SvgFile.Read(_folder["reconstruct.svg"]).Texts("tick");
        Assert.That(labels, Is.EqualTo(new[] { "original", "reconstruction", "original", "reconstruction" }), "10 pairs: two rows of 8 and 2");
    }

    [Test]
    public void InterpolateDecodesTheLineBetweenTwoEncodingsAndLabelsItsEnds()
    {
        string path = _folder["interpolate.png"];
        var result = Run("interpolate", "--out", path, "--from", "2", "--to", "5", "--steps", "4");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var png = PngFile.Read(path);
        var grid = Pictures.InterpolationGrid(4, 28, 28, 2, 5, _test.Labels[2], _test.Labels[5]);
        Assert.That((png.Width, png.Height), Is.EqualTo((grid.Width, grid.Height)), "image, 4 steps, image");
        AssertTileIsImage(png, grid, 0, 0, image: 2);
        AssertTileIsImage(png, grid, 0, 5, image: 5);

        using var checkpoint = LoadedCheckpoint.Open(_checkpoint, Device.Open("host"));
        var means = LatentCodes.Means(checkpoint.Model, _test, [2, 5]);
        for (int step = 0; step < 4; step++)
        {
            double t = step / 3.0;
            float[] z = [(float)((1 - t) * means[0] + t * means[2]), (float)((1 - t) * means[1] + t * means[3])];
            AssertTileIs(png, grid, 0, 1 + step, Pictures.Decode(checkpoint.Model, z), $"decode at t = {t:F2}");
        }

        Assert.That(Run("interpolate", "--out", _folder["interpolate.svg"], "--from", "2", "--to", "5", "--steps", "4").ExitCode, Is.EqualTo(0));
        var svg = SvgFile.Read(_folder["interpolate.svg"]);
        Assert.That(svg.Texts("tick"), Is.EqualTo(new[] { "x₂", "0", "0.33", "0.67", "1", "x₅" }));
        Assert.That(svg.Texts("axis-title"), Is.EqualTo(new[] { "t" }));
        Assert.That(svg.Texts("subtitle").Single(), Does.Contain("test image 2").And.Contain("test image 5"));
    }

    [Test]
    public void ManifoldDecodesTheNormalQuantileGridAndWritesItsZValues()
    {
        string path = _folder["manifold.png"];
        var result = Run("manifold", "--out", path, "--grid", "3");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("held at 0"), "a 2-D latent space has no other dimensions to hold");
        var png = PngFile.Read(path);
        double q = NormalQuantile.Of(5.0 / 6);
        var values = new[] { -q, 0, q };
        var grid = Pictures.ManifoldGrid(values, values.Reverse().ToList(), 28, 28, "");
        Assert.That((png.Width, png.Height), Is.EqualTo((grid.Width, grid.Height)));
        using var checkpoint = LoadedCheckpoint.Open(_checkpoint, Device.Open("host"));
        AssertTileIs(png, grid, 1, 1, Pictures.Decode(checkpoint.Model, [0f, 0f]), "the centre tile is z = 0");
        AssertTileIs(png, grid, 0, 2, Pictures.Decode(checkpoint.Model, [(float)q, (float)q]), "top right is (Φ⁻¹(5/6), Φ⁻¹(5/6))");
        AssertTileIs(png, grid, 2, 0, Pictures.Decode(checkpoint.Model, [(float)-q, (float)-q]), "bottom left is (−Φ⁻¹(5/6), −Φ⁻¹(5/6))");

        Assert.That(Run("manifold", "--out", _folder["manifold.svg"], "--grid", "3").ExitCode, Is.EqualTo(0));
        var svg = SvgFile.Read(_folder["manifold.svg"]);
        // Row labels z₂ top to bottom, then column labels z₁ left to right (every other one: "-0.97" fills a tile),
        // Φ⁻¹(5/6) = 0.97.
        Assert.That(svg.Texts("tick"), Is.EqualTo(new[] { "0.97", "0", "-0.97", "-0.97", "0.97" }));
        Assert.That(svg.Texts("axis-title"), Is.EquivalentTo(new[] { "z₁", "z₂" }));
    }

    [Test]
    public void LatentScatterColoursTheTestSetByLabelWithAxesAndALegendOfTheDigits()
    {
        string path = _folder["scatter.png"];
        var result = Run("latent-scatter", "--out", path, "--limit", "128");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        for (int k = 0; k < 10; k++)
            Assert.That(result.Output, Does.Contain($"label {k}: {Palette.Hex(Palette.Of(k))}"));
        Assert.That(Palette.Categories.Distinct().Count(), Is.EqualTo(10), "ten distinct colours");
        var png = PngFile.Read(path);
        Assert.That(png.Channels, Is.EqualTo(3));
        // Points of most classes are visible (some may be hidden under others), and in the plotting area nothing but
        // palette colours, white, the grid's grey and the axes' black appears.
        var svg = Run("latent-scatter", "--out", _folder["scatter.svg"], "--limit", "128");
        Assert.That(svg.ExitCode, Is.EqualTo(0), svg.ToString());
        var document = SvgFile.Read(_folder["scatter.svg"]);
        Assert.That(document.Texts("legend"), Is.EqualTo(Enumerable.Range(0, 10).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(document.Texts("axis-title"), Is.EquivalentTo(new[] { "z₁", "z₂" }));
        Assert.That(document.Texts("title"), Is.EqualTo(new[] { "The test set in latent space" }));
        Assert.That(document.Texts("tick").Count(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture) == 0), Is.EqualTo(2), "both axes pass through a tick at 0");
        Assert.That(document.Rectangles, Has.Count.GreaterThan(128 / 2), "a dot per test image inside the axes");
        var colours = new HashSet<(byte, byte, byte)>();
        int top = Canvas.HeadingHeight(true) + 12;
        for (int y = top + 1; y < top + 420; y++)
            for (int x = 65; x < 64 + 420; x++)
            {
                var p = png.At(x, y);
                colours.Add((p[0], p[1], p[2]));
            }
        int classesSeen = Palette.Categories.Count(colours.Contains);
        Assert.That(classesSeen, Is.GreaterThanOrEqualTo(8), "points of at least 8 of the 10 digits");
        (byte, byte, byte)[] plain = [(0, 0, 0), (255, 255, 255), (225, 225, 225)];
        Assert.That(colours.Except(Palette.Categories).Except(plain), Is.Empty);
    }

    [Test]
    public void CurvesRedrawsTheLossPictureTrainingWroteFromMetricsCsv()
    {
        string path = _folder["curves.png"];
        var result = Cli.Run("curves", "--checkpoint", _checkpoint, "--out", path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(Path.Combine(_checkpoint, "loss.png"))), "the same picture as loss.png");

        var large = Cli.Run("curves", "--checkpoint", _checkpoint, "--out", _folder["curves3.png"], "--scale", "3");
        Assert.That(large.ExitCode, Is.EqualTo(0), large.ToString());
        var small = PngFile.Read(path);
        var three = PngFile.Read(_folder["curves3.png"]);
        Assert.That((three.Width, three.Height), Is.EqualTo((3 * small.Width, 3 * small.Height)));
        for (int y = 0; y < small.Height; y += 7)
            for (int x = 0; x < small.Width; x += 5)
                Assert.That(three.At(3 * x + 1, 3 * y + 1).ToArray(), Is.EqualTo(small.At(x, y).ToArray()), $"unit ({x}, {y}) at scale 3");

        Assert.That(Cli.Run("curves", "--checkpoint", _checkpoint, "--out", _folder["curves.svg"]).ExitCode, Is.EqualTo(0));
        var svg = SvgFile.Read(_folder["curves.svg"]);
        Assert.That(svg.Texts("title").Single(), Does.Contain("Loss per epoch"));
        Assert.That(svg.Texts("axis-title"), Is.EquivalentTo(new[] { "epoch", "nats per image" }));
        Assert.That(svg.Texts("legend"), Is.EqualTo(new[] { "train", "test" }));
        Assert.That(svg.Texts("tick"), Does.Contain("1"), "epoch 1 is a tick");

        Assert.That(Cli.Run("curves", "--checkpoint", _checkpoint, "--out", path, "--scale", "9").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void GradCheckPassesOnTheSmallModelAndInProjectionModeAtFullSize()
    {
        var small = Cli.Run("gradcheck");
        Assert.That(small.ExitCode, Is.EqualTo(0), small.ToString());
        Assert.That(small.Output, Does.Match(@"gradcheck passed worst_error \S+ \(input (encoder|decoder)\.\S+, element \d+, analytic \S+, numeric \S+\)"));
        Assert.That(small.Output, Does.Contain("110 values").And.Contain("mode full"));

        var variants = Cli.Run("gradcheck", "--likelihood", "gaussian", "--activation", "tanh", "--hidden", "3", "--latent", "3", "--batch", "2", "--seed", "4");
        Assert.That(variants.ExitCode, Is.EqualTo(0), variants.ToString());

        var large = Cli.Run("gradcheck", "--pixels", "784", "--hidden", "400", "--latent", "20");
        Assert.That(large.ExitCode, Is.EqualTo(0), large.ToString());
        Assert.That(large.Output, Does.Contain("mode projection").And.Contain("gradcheck passed"));
    }

    /// <summary>Asserts that tile (<paramref name="row"/>, <paramref name="column"/>) holds test image <paramref name="image"/>, byte for byte.</summary>
    private void AssertTileIsImage(PngFile png, TileGrid grid, int row, int column, int image)
        => AssertTileIs(png, grid, row, column, _test.Image(image).ToArray(), $"test image {image}", tolerance: 0);

    /// <summary>Asserts that a tile holds <paramref name="pixels"/> (values in [0, 1]) as PNG bytes, to ±<paramref name="tolerance"/>.</summary>
    private static void AssertTileIs(PngFile png, TileGrid grid, int row, int column, float[] pixels, string what, int tolerance = 1)
    {
        var (left, top) = grid.Origin(row, column);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                Assert.That((int)png.At(left + x, top + y)[0], Is.EqualTo((int)PngWriter.ToByte(pixels[y * 28 + x])).Within(tolerance), $"{what}: pixel ({x}, {y}) of tile ({row}, {column})");
    }
}
