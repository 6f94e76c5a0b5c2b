using System.Text;
using System.Text.RegularExpressions;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;

namespace ScratchVae.Tests.Vae.Reliability;

/// <summary>
/// The inputs that once crashed the program or made it allocate gigabytes, each now refused with one line that names
/// the file, a non-zero exit, a bounded allocation, and the checkpoint left as it was.
/// </summary>
[TestFixture]
public class HostileInputTests
{
    private static readonly string[] Small = ["--limit", "128", "--hidden", "16", "--latent", "2", "--batch", "64", "--device", "host", "--no-images"];
    private TemporaryFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TemporaryFolder();

    [TearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [TestCase("1f8b08000000000002036360e060acffffff3f2b0093c5ebe607000080", TestName = "GzipTrailerClaims2GB")]
    [TestCase("1f8b08000000000002036360e0602c379dc2c00a008359cd1808943577", TestName = "GzipClaims2e9Labels")]
    public void AnIdxFileIsSizedByTheBytesItHoldsNotByItsClaims(string hex)
    {
        string path = _folder["hostile-idx1-ubyte.gz"];
        File.WriteAllBytes(path, Convert.FromHexString(hex));
        DataFormatException? error = null;
        long bytes = Allocated(() => error = Assert.Throws<DataFormatException>(() => IdxReader.Read(path)));
        Assert.That(error!.Message, Does.Contain(path));
        Assert.That(bytes, Is.LessThan(1 << 20), "a 29-byte file costs well under a megabyte");
    }

    private static byte[] SafeTensors(string header)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 4];
        BitConverter.GetBytes((ulong)json.Length).CopyTo(bytes, 0);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "names an entry twice", TestName = "DuplicateTensorNames")]
    [TestCase("{\"__metadata__\":{\"k\":\"\\ud800\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "malformed", TestName = "LoneSurrogateInMetadata")]
    public void AHostileSafeTensorsHeaderIsRefusedNamingTheFile(string header, string problem)
    {
        var error = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Parse(SafeTensors(header), "x.safetensors"))!;
        Assert.That(error.Message, Does.StartWith("x.safetensors: ").And.Contain(problem));
    }

    private string TrainedCheckpoint()
    {
        string folder = _folder["checkpoint"];
        var run = Cli.Run(["train", "--epochs", "1", "--out", folder, .. Small]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return folder;
    }

    [TestCase("\"model\": \\{[^}]*\\}", "\"model\": null", "\"model\" is missing", TestName = "ModelNull")]
    [TestCase("\"training\": \\{[^}]*\\}", "\"training\": null", "\"training\" is missing", TestName = "TrainingNull")]
    [TestCase("\"likelihood\": \"Bernoulli\"", "\"likelihood\": 2", "not a valid configuration", TestName = "LikelihoodAsNumber")]
    [TestCase("\"activation\": \"Relu\"", "\"activation\": \"3\"", "not a valid configuration", TestName = "ActivationAsNumericString")]
    [TestCase("\"batch_size\": 64", "\"batch_size\": -1", "batch_size must be", TestName = "NegativeBatch")]
    [TestCase("\"learning_rate\": 0.001", "\"learning_rate\": -1", "learning_rate must be", TestName = "NegativeLearningRate")]
    [TestCase("\"latent_size\": 2", "\"latent_size\": 2147483647", "latent size must be between", TestName = "HugeLatentSize")]
    [TestCase("\"hidden_sizes\": \\[\\s*16\\s*\\]", "\"hidden_sizes\": [1000000]", "hidden layers", TestName = "HugeHiddenLayer")]
    [TestCase("\"input_size\": 784", "\"input_size\": 2", "config.json describes a model of", TestName = "InputSizeAgainstTheWeights")]
    [TestCase("\"hidden_sizes\": \\[\\s*16\\s*\\]", "\"hidden_sizes\": [16, 60000]", "config.json describes a model of", TestName = "ExtraLayerAgainstTheWeights")]
    public void ABrokenConfigurationIsRefusedBeforeAnythingIsSizedFromIt(string pattern, string replacement, string problem)
    {
        string folder = TrainedCheckpoint();
        string config = Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.ConfigFile);
        string text = File.ReadAllText(config);
        string edited = Regex.Replace(text, pattern, replacement);
        Assert.That(edited, Is.Not.EqualTo(text), "the edit applies");
        File.WriteAllText(config, edited);
        var before = FolderContents.Read(folder);
        foreach (var args in new[]
        {
            new[] { "eval", "--checkpoint", folder, "--iw-samples", "2", "--device", "host" },
            new[] { "sample", "--checkpoint", folder, "--out", _folder["s.png"], "--device", "host" },
            ["train", "--resume", "--epochs", "2", "--out", folder, "--limit", "128", "--batch", "64", "--device", "host", "--no-images"],
        })
        {
            CliResult result = null!;
            long bytes = Allocated(() => result = Cli.Run(args));
            Assert.That(result.ExitCode, Is.EqualTo(1), $"{args[0]}: {result}");
            Assert.That(result.Error, Does.Contain(problem), $"{args[0]}: {result}");
            Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), $"{args[0]}: one line");
            Assert.That(bytes, Is.LessThan(64L << 20), $"{args[0]}: nothing sized from the hostile field");
        }
        FolderContents.AssertUnchanged(folder, before, "after the refusals");
    }

    [Test]
    public void AMetricsRowWithAnEpochBeyondTheIntegersIsRefusedOnResume()
    {
        string folder = TrainedCheckpoint();
        string metrics = Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.MetricsFile);
        File.WriteAllText(metrics, Regex.Replace(File.ReadAllText(metrics), "\n1,", "\n2147483648,"));
        var result = Cli.Run(["train", "--resume", "--epochs", "2", "--out", folder, .. Small]);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("metrics.csv").And.Contain("is not a whole number"));
    }

    [Test]
    public void BadOutputFoldersAndImpossibleSizesAreRefusedBeforeTraining()
    {
        var empty = Cli.Run(["train", "--out", "", .. Small]);
        Assert.That(empty.ExitCode, Is.EqualTo(2), empty.ToString());
        Assert.That(empty.Error, Does.Contain("--out needs a folder name"));

        string file = _folder["a-file"];
        File.WriteAllText(file, "not a folder");
        var underFile = Cli.Run(["train", "--out", Path.Combine(file, "run"), .. Small]);
        Assert.That(underFile.ExitCode, Is.EqualTo(1), underFile.ToString());
        Assert.That(underFile.Output, Does.Not.Contain("epoch 1"), "refused before the first epoch");
        Assert.That(underFile.Error.Trim().Split('\n'), Has.Length.EqualTo(1));

        var huge = Cli.Run("train", "--batch", "65536", "--hidden", "65536", "--limit", "128", "--device", "host", "--out", _folder["huge"]);
        Assert.That(huge.ExitCode, Is.EqualTo(2), huge.ToString());
        Assert.That(huge.Error, Does.Contain("more than one tensor can hold"));
        var big = Cli.Run("train", "--batch", "8192", "--hidden", "65536,65536", "--limit", "128", "--device", "host", "--out", _folder["big"]);
        Assert.That(big.ExitCode, Is.EqualTo(2), big.ToString());
        Assert.That(big.Error, Does.Contain("GiB are available"));
    }

    [Test]
    public void AFolderOfValidIdxFilesWithoutImagesIsRefusedNamingIt()
    {
        string data = _folder["no-images"];
        SyntheticIdx.WriteFolder(data, trainCount: 0, testCount: 0, height: 28, width: 28);
        var result = Cli.Run(["train", "--data", data, "--out", _folder["out"], .. Small]);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain(data).And.Contain("0 training and 0 test images"));
    }
}
