using ScratchVae.Tests.Support;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Images;

namespace ScratchVae.Tests.Vae;

[TestFixture]
public class NormalQuantileTests
{
    [TestCase(0.5, 0.0)]
    [TestCase(0.975, 1.959963984540054)]
    [TestCase(0.95, 1.6448536269514722)]
    [TestCase(0.99, 2.3263478740408408)]
    [TestCase(0.001, -3.090232306167813)]
    [TestCase(1e-10, -6.361340902404056)]
    [TestCase(0.8413447460685429, 1.0)]
    public void MatchesPublishedQuantiles(double probability, double expected)
        => Assert.That(NormalQuantile.Of(probability), Is.EqualTo(expected).Within(2e-9 * Math.Max(1, Math.Abs(expected))));

    [Test]
    public void InvertsTheNormalCdfAcrossTheWholeRange()
    {
        // Every region of the approximation (lower tail, centre, upper tail), against Φ from the series for erf.
        // A relative error δ in z moves p by φ(z) · z · δ, up to about 1e-8 · p in the far tail for δ ≈ 1.2e-9.
        for (double p = 0.0005; p < 1; p += 0.0005)
        {
            double z = NormalQuantile.Of(p);
            Assert.That(NormalDistribution.Cdf(z), Is.EqualTo(p).Within(3e-8 * Math.Min(p, 1 - p) + 1e-15), $"p = {p}");
            Assert.That(NormalQuantile.Of(1 - p), Is.EqualTo(-z).Within(1e-8), $"symmetry at p = {p}");
        }
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void RefusesProbabilitiesOutsideTheOpenInterval(double probability)
        => Assert.Throws<ArgumentOutOfRangeException>(() => NormalQuantile.Of(probability));

    [Test]
    public void ManifoldGridSpansTheLatentPlaneByProbabilityMass()
    {
        const int grid = 4, latent = 3;
        var z = Pictures.ManifoldLatents(grid, latent);
        Assert.That(z, Has.Length.EqualTo(grid * grid * latent));
        double[] quantiles = [-1.1503493803760079, -0.3186393639643752, 0.3186393639643752, 1.1503493803760079]; // Φ⁻¹(1/8, 3/8, 5/8, 7/8)
        for (int r = 0; r < grid; r++)
            for (int c = 0; c < grid; c++)
            {
                int row = r * grid + c;
                Assert.That(z[row * latent], Is.EqualTo(quantiles[c]).Within(1e-6), $"z0 of tile ({r}, {c}) grows to the right");
                Assert.That(z[row * latent + 1], Is.EqualTo(quantiles[grid - 1 - r]).Within(1e-6), $"z1 of tile ({r}, {c}) grows upwards");
                Assert.That(z[row * latent + 2], Is.EqualTo(0f), "other dimensions at the prior's mean");
            }
    }
}
