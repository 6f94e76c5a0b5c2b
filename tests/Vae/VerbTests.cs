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
    private const int Tile = 29; // a 28-pixel image plus its 1-pixel border

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
        Assert.That((png.Width, png.Height), Is.EqualTo((4 * Tile + 1, 3 * Tile + 1)), "10 samples in rows of ⌈√10⌉ = 4");
    }

    [Test]
    public void ReconstructShowsEachTestImageBesideItsReconstruction()
    {
        string path = _folder["reconstruct.png"];
        var result = Run("reconstruct", "--out", path, "--count", "6");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var png = PngFile.Read(path);
        Assert.That((png.Width, png.Height), Is.EqualTo((8 * Tile + 1, 2 * Tile + 1)), "12 tiles, 8 per row");
        AssertTileIsImage(png, tile: 0, columns: 8, image: 0);
        AssertTileIsImage(png, tile: 2, columns: 8, image: 1);
        AssertTileIsImage(png, tile: 10, columns: 8, image: 5);

        using var checkpoint = LoadedCheckpoint.Open(_checkpoint, Device.Open("host"));
        var reconstruction = Pictures.Decode(checkpoint.Model, LatentCodes.Means(checkpoint.Model, _test, [0]));
        AssertTileIs(png, tile: 1, columns: 8, reconstruction, "the reconstruction decode(mu(x₀))");
    }

    [Test]
    public void InterpolateDecodesTheLineBetweenTwoEncodings()
    {
        string path = _folder["interpolate.png"];
        var result = Run("interpolate", "--out", path, "--from", "2", "--to", "5", "--steps", "4");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var png = PngFile.Read(path);
        Assert.That((png.Width, png.Height), Is.EqualTo((6 * Tile + 1, Tile + 1)), "image, 4 steps, image");
        AssertTileIsImage(png, tile: 0, columns: 6, image: 2);
        AssertTileIsImage(png, tile: 5, columns: 6, image: 5);

        using var checkpoint = LoadedCheckpoint.Open(_checkpoint, Device.Open("host"));
        var means = LatentCodes.Means(checkpoint.Model, _test, [2, 5]);
        for (int step = 0; step < 4; step++)
        {
            double t = step / 3.0;
            float[] z = [(float)((1 - t) * means[0] + t * means[2]), (float)((1 - t) * means[1] + t * means[3])];
            AssertTileIs(png, tile: 1 + step, columns: 6, Pictures.Decode(checkpoint.Model, z), $"decode at t = {t:F2}");
        }
    }

    [Test]
    public void ManifoldDecodesTheNormalQuantileGrid()
    {
        string path = _folder["manifold.png"];
        var result = Run("manifold", "--out", path, "--grid", "3");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("held at 0"), "a 2-D latent space has no other dimensions to hold");
        var png = PngFile.Read(path);
        Assert.That((png.Width, png.Height), Is.EqualTo((3 * Tile + 1, 3 * Tile + 1)));
        using var checkpoint = LoadedCheckpoint.Open(_checkpoint, Device.Open("host"));
        double q = NormalQuantile.Of(5.0 / 6);
        AssertTileIs(png, tile: 4, columns: 3, Pictures.Decode(checkpoint.Model, [0f, 0f]), "the centre tile is z = 0");
        AssertTileIs(png, tile: 2, columns: 3, Pictures.Decode(checkpoint.Model, [(float)q, (float)q]), "top right is (Φ⁻¹(5/6), Φ⁻¹(5/6))");
        AssertTileIs(png, tile: 6, columns: 3, Pictures.Decode(checkpoint.Model, [(float)-q, (float)-q]), "bottom left is (−Φ⁻¹(5/6), −Φ⁻¹(5/6))");
    }

    [Test]
    public void LatentScatterColoursTheTestSetByLabelAndPrintsTheLegend()
    {
        string path = _folder["scatter.png"];
        var result = Run("latent-scatter", "--out", path, "--limit", "128");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        for (int k = 0; k < 10; k++)
            Assert.That(result.Output, Does.Contain($"label {k}: {Palette.Hex(Palette.Of(k))}"));
        Assert.That(Palette.Categories.Distinct().Count(), Is.EqualTo(10), "ten distinct colours");
        var png = PngFile.Read(path);
        Assert.That((png.Width, png.Height, png.Channels), Is.EqualTo((640, 640, 3)));
        // Points of most classes are visible (some may be hidden under others), and nothing but palette colours,
        // black, white and the light grey axes appears.
        var colours = new HashSet<(byte, byte, byte)>();
        for (int y = 24; y < 616; y++)
            for (int x = 25; x < 615; x++)
            {
                var p = png.At(x, y);
                colours.Add((p[0], p[1], p[2]));
            }
        int classesSeen = Palette.Categories.Count(colours.Contains);
        Assert.That(classesSeen, Is.GreaterThanOrEqualTo(8), "points of at least 8 of the 10 digits");
        (byte, byte, byte)[] plain = [(0, 0, 0), (255, 255, 255), (210, 210, 210)];
        Assert.That(colours.Except(Palette.Categories).Except(plain), Is.Empty);
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

    /// <summary>Asserts that tile <paramref name="tile"/> holds test image <paramref name="image"/>, byte for byte.</summary>
    private void AssertTileIsImage(PngFile png, int tile, int columns, int image)
        => AssertTileIs(png, tile, columns, _test.Image(image).ToArray(), $"test image {image}", tolerance: 0);

    /// <summary>Asserts that a tile holds <paramref name="pixels"/> (values in [0, 1]) as PNG bytes, to ±<paramref name="tolerance"/>.</summary>
    private static void AssertTileIs(PngFile png, int tile, int columns, float[] pixels, string what, int tolerance = 1)
    {
        int top = 1 + tile / columns * Tile, left = 1 + tile % columns * Tile;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                Assert.That((int)png.At(left + x, top + y)[0], Is.EqualTo((int)PngWriter.ToByte(pixels[y * 28 + x])).Within(tolerance), $"{what}: pixel ({x}, {y}) of tile {tile}");
    }
}
