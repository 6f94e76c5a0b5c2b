using NUnit.Framework;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Demonstrations;
using ScratchVae.Vae.Images;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The ring demonstration states that g(z) = z/10 + z/‖z‖ carries N(0, I₂) onto a ring of mean radius 1 + √(π/2)/10 and
/// spread √(2 − π/2)/10: checked on the map itself, on 20,000 samples against the closed forms (within four standard
/// errors), and through the command line's picture.
/// </summary>
[TestFixture]
public class RingDemoTests
{
    [Test]
    public void TheMapSendsEveryPointToRadiusOnePlusATenthOfItsNorm()
    {
        Assert.That(RingDemo.Map(3, 4), Is.EqualTo((0.3 + 0.6, 0.4 + 0.8)));
        Assert.That(RingDemo.Map(0, 0), Is.EqualTo((0.0, 0.0)));
        foreach (var (x, y) in new[] { (0.01, 0.0), (-2.5, 1.0), (0.3, -7.0) })
        {
            var (gx, gy) = RingDemo.Map(x, y);
            double norm = Math.Sqrt(x * x + y * y);
            Assert.That(Math.Sqrt(gx * gx + gy * gy), Is.EqualTo(1 + norm / 10).Within(1e-12));
            Assert.That(Math.Atan2(gy, gx), Is.EqualTo(Math.Atan2(y, x)).Within(1e-12), "the direction is kept");
        }
    }

    [Test]
    public void SamplesLandOnTheRingThePageDescribes()
    {
        const int count = 20_000;
        var (z, g) = RingDemo.Sample(count, seed: 5);
        var (zMean, zDeviation) = RingDemo.Radius(z);
        var (gMean, gDeviation) = RingDemo.Radius(g);
        // ‖z‖ is Rayleigh(1): mean √(π/2), standard deviation √(2 − π/2); the sample mean's standard error is that / √N.
        double rayleighDeviation = Math.Sqrt(2 - Math.PI / 2);
        Assert.That(zMean, Is.EqualTo(Math.Sqrt(Math.PI / 2)).Within(4 * rayleighDeviation / Math.Sqrt(count)));
        Assert.That(gMean, Is.EqualTo(RingDemo.ExpectedMeanRadius).Within(4 * RingDemo.ExpectedRadiusDeviation / Math.Sqrt(count)));
        Assert.That(gDeviation, Is.EqualTo(RingDemo.ExpectedRadiusDeviation).Within(0.05 * RingDemo.ExpectedRadiusDeviation));
        Assert.That(gDeviation, Is.LessThan(zDeviation / 9), "the ring is ten times thinner than the Gaussian's spread of radii");
    }

    [Test]
    public void TheCommandWritesThePictureAndPrintsTheRadii()
    {
        using var folder = new TemporaryFolder();
        string path = folder["ring.png"];
        var result = Cli.Run("demo", "ring", "--out", path, "--count", "500", "--seed", "2");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("radius |g(z)|: mean").And.Contain("closed form 1.1253"));
        byte[] png = File.ReadAllBytes(path);
        Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }));
        int width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19], height = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
        Assert.That((width, height), Is.EqualTo((2 * 360 + 40 + 2 * 56, 360 + Canvas.HeadingHeight(true) + 24 + 56)));
        var refused = Cli.Run("demo", "ring", "--out", folder["ring.jpg"]);
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        Assert.That(File.Exists(folder["ring.jpg"]), Is.False);
    }
}
