using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// Bad command lines, data and devices end with a non-zero exit code and a message that names the problem, and no
/// failed run deletes or damages an existing checkpoint folder.
/// </summary>
[TestFixture]
public class CliErrorTests
{
    private TemporaryFolder _folder = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = new TemporaryFolder();

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static readonly string[] Small = ["--limit", "128", "--hidden", "16", "--latent", "2", "--batch", "64", "--device", "host", "--no-images"];

    private static void AssertFails(CliResult result, int exitCode, params string[] fragments)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        foreach (string fragment in fragments) Assert.That(result.Error, Does.Contain(fragment), result.ToString());
    }

    [Test]
    public void UsageErrorsExitWithTwoAndNameTheProblem()
    {
        AssertFails(Cli.Run(), 2);
        AssertFails(Cli.Run("frobnicate"), 2, "unknown verb 'frobnicate'");
        AssertFails(Cli.Run("train", "--epochz", "3"), 2, "unknown flag --epochz", "--epochs");
        AssertFails(Cli.Run("train", "--epochs", "0"), 2, "--epochs must be between 1 and");
        AssertFails(Cli.Run("train", "--lr", "abc"), 2, "--lr needs a finite number, not 'abc'");
        AssertFails(Cli.Run("train", "--lr", "-1"), 2, "--lr must be >");
        AssertFails(Cli.Run("train", "--batch"), 2, "--batch needs a value");
        AssertFails(Cli.Run("eval"), 2, "--checkpoint is required");
        AssertFails(Cli.Run("eval", "--checkpoint", _folder.Path, "--iw-samples", "0"), 2, "--iw-samples must be between 1 and");
        AssertFails(Cli.Run("sample", "--checkpoint", _folder.Path), 2, "--out is required");
        AssertFails(Cli.Run("manifold", "--checkpoint", _folder.Path, "--out", "x.png", "--grid", "many"), 2, "--grid needs a whole number, not 'many'");
        AssertFails(Cli.Run("gradcheck", "--mode", "sideways"), 2, "--mode must be one of auto, full, projection");
    }

    [Test]
    public void MissingOrWrongSizedDataIsRefused()
    {
        string missing = _folder["no-such-data"];
        AssertFails(Cli.Run(["train", "--data", missing, "--out", _folder["unused"], .. Small]), 1, missing, "no such folder");

        string small = _folder["ten-by-ten"];
        SyntheticIdx.WriteFolder(small, trainCount: 20, testCount: 10, height: 10, width: 10);
        AssertFails(Cli.Run(["train", "--data", small, "--out", _folder["unused"], .. Small]), 1, "train-images-idx3-ubyte", "10×10 but 28×28 were expected");

        string incomplete = _folder["incomplete"];
        SyntheticIdx.WriteFolder(incomplete, trainCount: 20, testCount: 10, height: 28, width: 28);
        File.Delete(Path.Combine(incomplete, "t10k-labels-idx1-ubyte"));
        AssertFails(Cli.Run(["train", "--data", incomplete, "--out", _folder["unused"], .. Small]), 1, "t10k-labels-idx1-ubyte", "missing");
        Assert.That(Directory.Exists(_folder["unused"]), Is.False, "a run that could not start writes nothing");
    }

    [Test]
    public void AnAbsentDeviceIsRefusedWithItsReason()
    {
        // cuda on a machine without an NVIDIA GPU; on one with a GPU, whichever device is unusable there.
        var unusable = Device.List().FirstOrDefault(d => !d.Usable && d.Name == "cuda") ?? Device.List().FirstOrDefault(d => !d.Usable);
        var absent = Cli.Run(["train", "--device", "no-such-device", "--out", _folder["unused"], .. Small[..^3]]);
        AssertFails(absent, 2, "device 'no-such-device' cannot be used: Unknown device 'no-such-device'. Known devices: host");
        Assert.That(absent.Error, Does.Not.Contain("(Parameter"), "no .NET parameter name in a user's error");
        if (unusable is null) Assert.Ignore("every device is usable on this machine");
        var refused = Cli.Run(["train", "--device", unusable.Name, "--out", _folder["unused"], .. Small[..^3]]);
        AssertFails(refused, 2, $"device '{unusable.Name}' cannot be used: {unusable.Reason} (run 'scratchvae devices'");
    }

    [Test]
    public void APictureFileThatIsNeitherPngNorSvgIsRefusedByEveryPictureVerb()
    {
        foreach (var verb in new[] { "sample", "reconstruct", "interpolate", "manifold", "latent-scatter", "curves" })
            foreach (var name in new[] { "x.jpg", "x.svgz", "samples", "x.png.txt" })
            {
                string path = _folder[name];
                AssertFails(Cli.Run(verb, "--checkpoint", _folder.Path, "--out", path), 2, "--out must name a .png or .svg file", name);
                Assert.That(File.Exists(path), Is.False, $"{verb} --out {name}");
            }
    }

    [Test]
    public void APictureThatCannotBeWrittenIsOneLineNamingTheFileAndNothingIsLeftBehind()
    {
        // A folder cannot be made under a regular file, whoever runs the test (root included).
        string file = _folder["a-file"];
        File.WriteAllText(file, "not a folder");
        string target = Path.Combine(file, "ring.png");
        var result = Cli.Run("demo", "ring", "--count", "10", "--out", target);
        AssertFails(result, 1, $"cannot write {target}: its folder {file} cannot be created");
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(File.ReadAllText(file), Is.EqualTo("not a folder"));
    }

    [Test]
    public void CurvesNamesTheFileAndLineOfAGarbledOrMissingMetricsCsv()
    {
        using var folder = new TemporaryFolder();
        string metrics = folder["metrics.csv"];
        AssertFails(Cli.Run("curves", "--checkpoint", folder.Path, "--out", folder["c.png"]), 1, metrics, "no such file");
        File.WriteAllText(metrics, "epoch,train_loss,test_loss,recon,kl,seconds\n1,200,190,170,20,1\n2,180,x,160,21,1\n");
        AssertFails(Cli.Run("curves", "--checkpoint", folder.Path, "--out", folder["c.png"]), 1, metrics, "line 3:", "not a number");
        File.WriteAllText(metrics, "epoch,loss\n");
        AssertFails(Cli.Run("curves", "--checkpoint", folder.Path, "--out", folder["c.png"]), 1, metrics, "line 1:");
        File.WriteAllText(metrics, "epoch,train_loss,test_loss,recon,kl,seconds\n");
        AssertFails(Cli.Run("curves", "--checkpoint", folder.Path, "--out", folder["c.png"]), 1, metrics, "no epochs");
        AssertFails(Cli.Run("curves", "--checkpoint", folder["absent"], "--out", folder["c.png"]), 1, "no such checkpoint folder");
        Assert.That(File.Exists(folder["c.png"]), Is.False, "nothing is written");
        foreach (var error in new[] { Cli.Run("curves", "--checkpoint", folder.Path, "--out", folder["c.png"]) })
            Assert.That(error.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
    }

    [Test]
    public void AMissingCheckpointIsRefusedByEveryVerbThatReadsOne()
    {
        string missing = _folder["no-such-checkpoint"];
        foreach (var verb in new[] { "eval", "sample", "reconstruct", "interpolate", "manifold", "latent-scatter" })
        {
            string[] args = verb == "eval" ? [verb, "--checkpoint", missing] : [verb, "--checkpoint", missing, "--out", _folder["unused.png"]];
            AssertFails(Cli.Run(args), 1, missing, "no such checkpoint folder");
        }
        AssertFails(Cli.Run(["train", "--resume", "--out", missing, .. Small]), 1, "no such checkpoint folder");
        Assert.That(File.Exists(_folder["unused.png"]), Is.False);
    }

    [Test]
    public void FailedRunsLeaveAnExistingCheckpointUntouched()
    {
        string checkpoint = _folder["kept"];
        var train = Cli.Run(["train", "--epochs", "1", "--out", checkpoint, .. Small]);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        var before = FolderContents.Read(checkpoint);

        AssertFails(Cli.Run(["train", "--resume", "--epochs", "0", "--out", checkpoint, .. Small]), 2, "--epochs");
        AssertFails(Cli.Run(["train", "--resume", "--epochs", "2", "--data", _folder["no-such-data"], "--out", checkpoint, .. Small]), 1, "no such folder");
        AssertFails(Cli.Run(["train", "--resume", "--epochs", "2", "--device", "no-such-device", "--out", checkpoint, .. Small[..^3]]), 2, "cannot be used");
        string wrongSize = _folder["wrong-size"];
        SyntheticIdx.WriteFolder(wrongSize, trainCount: 20, testCount: 10, height: 10, width: 10);
        AssertFails(Cli.Run("eval", "--checkpoint", checkpoint, "--data", wrongSize, "--device", "host"), 1, "100 pixels", "expects 784");
        AssertFails(Cli.Run("interpolate", "--checkpoint", checkpoint, "--out", _folder["i.png"], "--from", "500", "--limit", "10", "--device", "host"), 2, "--from must be between 0 and 9");
        FolderContents.AssertUnchanged(checkpoint, before, "after failed runs");

        // A diverging run (lr 10) stops at the first non-finite loss, names the step, and keeps the last good checkpoint
        // loadable: the epochs completed before the failure, nothing of the failed one.
        var diverging = Cli.Run(["train", "--resume", "--epochs", "6", "--lr", "10", "--out", checkpoint, .. Small]);
        AssertFails(diverging, 1, "the loss became", "step", "last good checkpoint was kept");
        var failedStep = System.Text.RegularExpressions.Regex.Match(diverging.Error, @"epoch (\d+), step (\d+)");
        Assert.That(failedStep.Success, diverging.ToString());
        int failedEpoch = int.Parse(failedStep.Groups[1].Value);
        var info = Checkpoint.ReadInfo(checkpoint);
        Assert.That(info.Epoch, Is.EqualTo(failedEpoch - 1), "the checkpoint holds the last completed epoch");
        Assert.That(Checkpoint.ReadMetrics(checkpoint), Has.Count.EqualTo(info.Epoch));
        Assert.That(int.Parse(failedStep.Groups[2].Value), Is.InRange(info.Step + 1, info.Step + 2), "the failing step lies in the epoch after the checkpoint's (two steps of 64)");
        Assert.DoesNotThrow(() => Checkpoint.ReadWeights(checkpoint, info));
        Assert.DoesNotThrow(() => Checkpoint.ReadOptimizer(checkpoint, info));
    }
}
