using NUnit.Framework;
using ScratchVae.Tests.Vae.Support;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The β sweep's claim, on a small run through the command line: a larger β trains a cheaper code (lower rate) with
/// worse reconstructions (higher distortion), for every seed; both pictures are written.
/// </summary>
[TestFixture]
public class BetaSweepDemoTests
{
    [Test]
    public void ALargerBetaLowersTheRateAndRaisesTheDistortion()
    {
        using var folder = new TemporaryFolder();
        string path = folder["sweep.png"];
        var result = Cli.Run("demo", "beta-sweep", "--betas", "0.25,8", "--epochs", "3", "--seeds", "2", "--latent", "8", "--limit", "3000", "--device", "host", "--out", path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var rows = result.Output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && double.TryParse(f[0], System.Globalization.CultureInfo.InvariantCulture, out _) && f[1] is "1" or "2")
            .Select(f => (Beta: double.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), Seed: f[1],
                Rate: double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), Distortion: double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.That(rows, Has.Count.EqualTo(4), result.Output);
        foreach (var seed in new[] { "1", "2" })
        {
            var low = rows.Single(r => r.Seed == seed && r.Beta == 0.25);
            var high = rows.Single(r => r.Seed == seed && r.Beta == 8);
            Assert.That(high.Rate, Is.LessThan(low.Rate), $"seed {seed}: {result.Output}");
            Assert.That(high.Distortion, Is.GreaterThan(low.Distortion), $"seed {seed}: {result.Output}");
        }
        Assert.That(File.Exists(path) && File.Exists(folder["sweep-samples.png"]), Is.True);
        Assert.That(Cli.Run("demo", "beta-sweep", "--betas", "1,x").ExitCode, Is.EqualTo(2));
    }
}
