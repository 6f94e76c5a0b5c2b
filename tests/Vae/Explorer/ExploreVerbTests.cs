using System.Net;
using System.Net.Sockets;
using ScratchVae.Tests.Vae.Support;

namespace ScratchVae.Tests.Vae.Explorer;

/// <summary><c>scratchvae explore</c> refuses what it cannot serve with one line and a non-zero exit, before it serves anything.</summary>
[TestFixture]
public class ExploreVerbTests
{
    private TemporaryFolder _folder = null!;

    [OneTimeSetUp]
    public void Train()
    {
        _folder = new TemporaryFolder();
        var trained = Cli.Run("train", "--limit", "128", "--hidden", "16", "--latent", "2", "--batch", "64", "--epochs", "1", "--device", "host", "--no-images", "--out", _folder["model"]);
        Assert.That(trained.ExitCode, Is.Zero, trained.ToString());
    }

    [OneTimeTearDown]
    public void Remove() => _folder.Dispose();

    [Test]
    public void BadFlagsAndMissingCheckpointsAreRefused()
    {
        var missing = Cli.Run("explore");
        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Error.Trim(), Is.EqualTo("scratchvae: explore: --checkpoint is required (--checkpoint DIR)."));
        var port = Cli.Run("explore", "--checkpoint", _folder["model"], "--port", "70000");
        Assert.That(port.ExitCode, Is.EqualTo(2), port.ToString());
        Assert.That(port.Error, Does.Contain("--port must be between 1 and 65535, not 70000"));
        string absent = _folder["no-such-model"];
        var noFolder = Cli.Run("explore", "--checkpoint", absent);
        Assert.That(noFolder.ExitCode, Is.EqualTo(1), noFolder.ToString());
        Assert.That(noFolder.Error, Does.Contain(absent));
    }

    [Test]
    public void APortInUseIsReportedWithTheWayOut()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var result = Cli.Run("explore", "--checkpoint", _folder["model"], "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.Contain($"explore: cannot serve on 127.0.0.1:{port}").And.Contain("choose another port with --port"));
            Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
        }
        finally
        {
            taken.Stop();
        }
    }
}
