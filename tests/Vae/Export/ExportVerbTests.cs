using Microsoft.ML.OnnxRuntime;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Tests.Vae.Export;

/// <summary>
/// <c>scratchvae export</c> on the default model (784-400-20, relu, two epochs of training through the command line):
/// the files it writes run in ONNX Runtime and give the checkpoint's own outputs, and bad input is one line, a
/// non-zero exit and no file.
/// </summary>
[TestFixture]
public class ExportVerbTests
{
    private TemporaryFolder _folder = null!;
    private string _checkpoint = null!;

    [OneTimeSetUp]
    public void TrainACheckpoint()
    {
        _folder = new TemporaryFolder();
        _checkpoint = _folder["checkpoint"];
        var train = Cli.Run("train", "--epochs", "2", "--device", "host", "--out", _checkpoint);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    private CliResult Export(params string[] args) => Cli.Run(["export", .. args]);

    [Test]
    public void TheExportedEncoderAndDecoderGiveTheCheckpointsOutputs()
    {
        string encoderFile = _folder["encoder.onnx"], decoderFile = _folder["decoder.onnx"];
        var encoder = Export("--checkpoint", _checkpoint, "--part", "encoder", "--out", encoderFile);
        Assert.That(encoder.ExitCode, Is.EqualTo(0), encoder.ToString());
        Assert.That(encoder.Output, Does.Contain($"wrote {encoderFile}: the encoder, x [batch, 784] → mu, logvar [batch, 20], ONNX opset 17"));
        var decoder = Export("--checkpoint", _checkpoint, "--part", "Decoder", "--out", decoderFile);
        Assert.That(decoder.ExitCode, Is.EqualTo(0), decoder.ToString());
        Assert.That(decoder.Output, Does.Contain($"wrote {decoderFile}: the decoder, z [batch, 20] → logits, mean [batch, 784]"));

        using var checkpoint = LoadedCheckpoint.Open(_checkpoint, Device.Open("host"));
        Assert.That(checkpoint.Model.Options.Describe(), Is.EqualTo("784-400-20"));
        using var encoderSession = new InferenceSession(encoderFile);
        using var decoderSession = new InferenceSession(decoderFile);
        double encoderDifference = OnnxExportTests.AssertEncoderMatches(checkpoint.Model, encoderSession);
        double decoderDifference = OnnxExportTests.AssertDecoderMatches(checkpoint.Model, decoderSession);
        TestContext.Out.WriteLine($"784-400-20 after 2 epochs: largest |ONNX Runtime − ScratchVae| encoder {encoderDifference:E2} (mu, logvar), decoder {decoderDifference:E2} (logits, mean)");
        Assert.That(Directory.GetFiles(_folder.Path, "*.tmp"), Is.Empty, "no temporary file is left");
    }

    [Test]
    public void ExportingAgainReplacesTheFileWhole()
    {
        string path = _folder["again.onnx"];
        File.WriteAllText(path, "not a model");
        var result = Export("--checkpoint", _checkpoint, "--part", "decoder", "--out", path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        using var session = new InferenceSession(path);
        Assert.That(session.OutputMetadata.Keys, Is.EqualTo(new[] { "logits", "mean" }));
    }

    private static IEnumerable<TestCaseData> BadInput()
    {
        yield return new TestCaseData(2, new[] { "--part", "middle", "--out", "{0}/model.onnx" }, "export: --part must be one of encoder, decoder, not 'middle'").SetName("AnUnknownPartIsRefused");
        yield return new TestCaseData(2, new[] { "--part", "encoder", "--out", "{0}/model.txt" }, "export: --out must name a .onnx file, not '").SetName("AnOutputThatIsNotOnnxIsRefused");
        yield return new TestCaseData(2, new[] { "--part", "encoder" }, "export: --out is required (--out FILE.onnx)").SetName("AMissingOutputIsRefused");
        yield return new TestCaseData(2, new[] { "--out", "{0}/model.onnx" }, "export: --part is required").SetName("AMissingPartIsRefused");
        yield return new TestCaseData(1, new[] { "--part", "encoder", "--out", "{0}/blocker/model.onnx" }, "cannot write {0}/blocker/model.onnx: its folder {0}/blocker cannot be created").SetName("AnOutputUnderAFileIsRefused");
        yield return new TestCaseData(1, new[] { "--part", "encoder", "--out", "{0}/folder.onnx" }, "cannot write {0}/folder.onnx: it is a folder").SetName("AnOutputThatIsAFolderIsRefused");
    }

    [TestCaseSource(nameof(BadInput))]
    public void BadInputIsOneLineANonZeroExitAndNoFile(int exitCode, string[] args, string message)
    {
        using var scratch = new TemporaryFolder();
        File.WriteAllText(scratch["blocker"], "a file where a folder would have to be");
        Directory.CreateDirectory(scratch["folder.onnx"]);
        var before = Directory.GetFileSystemEntries(scratch.Path).Order().ToArray();
        var result = Export(["--checkpoint", _checkpoint, .. args.Select(arg => arg.Replace("{0}", scratch.Path, StringComparison.Ordinal))]);
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.StartWith("scratchvae: " + message.Replace("{0}", scratch.Path, StringComparison.Ordinal)));
        Assert.That(Directory.GetFileSystemEntries(scratch.Path).Order(), Is.EqualTo(before), "nothing written, no temporary file left");
        Assert.That(Directory.GetFileSystemEntries(scratch["folder.onnx"]), Is.Empty);
    }

    [Test]
    public void AMissingCheckpointIsOneLineAndExitOne()
    {
        using var scratch = new TemporaryFolder();
        var result = Export("--checkpoint", scratch["absent"], "--part", "encoder", "--out", scratch["model.onnx"]);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("no such checkpoint folder"));
        Assert.That(Directory.GetFileSystemEntries(scratch.Path), Is.Empty);
    }
}
