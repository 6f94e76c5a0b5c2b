using System.Text.Json;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// train's architecture list and optimizer flags through the command line: several hidden layers (the seed tutorial's
/// network), Adam, AdamW and SGD with their settings, schedules and clipping, what the checkpoint records, and --resume.
/// </summary>
[TestFixture]
public class OptimizerFlagsTests
{
    private static readonly string[] Small = ["--limit", "128", "--latent", "2", "--batch", "64", "--device", "host", "--no-images"];
    private TemporaryFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TemporaryFolder();

    [TearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static JsonElement Config(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, Checkpoint.ConfigFile))).RootElement;

    [Test]
    public void TheSeedTutorialsNetworkTrainsFromTheCommandLine()
    {
        // Encoder 784-1024-768-512 with ELU, latent 20, squared error (Gaussian), Adam 1e-4, batch 128 (README: "the seed tutorial's VAE").
        string folder = _folder["tutorial"];
        var run = Cli.Run("train", "--hidden", "1024,768,512", "--activation", "elu", "--latent", "20", "--likelihood", "gaussian", "--lr", "1e-4",
            "--batch", "128", "--epochs", "2", "--limit", "256", "--device", "host", "--no-images", "--out", folder);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("model 784-1024-768-512-20 elu gaussian"));
        var weights = StateDict.Load(Path.Combine(folder, Checkpoint.ModelFile));
        Assert.That(weights.Select(t => $"{t.Name} {t.ShapeText}"), Is.EqualTo(new[]
        {
            "encoder.hidden.0.weight [1024, 784]", "encoder.hidden.0.bias [1024]", "encoder.hidden.1.weight [768, 1024]", "encoder.hidden.1.bias [768]",
            "encoder.hidden.2.weight [512, 768]", "encoder.hidden.2.bias [512]", "encoder.mu.weight [20, 512]", "encoder.mu.bias [20]",
            "encoder.logvar.weight [20, 512]", "encoder.logvar.bias [20]", "decoder.hidden.0.weight [512, 20]", "decoder.hidden.0.bias [512]",
            "decoder.hidden.1.weight [768, 512]", "decoder.hidden.1.bias [768]", "decoder.hidden.2.weight [1024, 768]", "decoder.hidden.2.bias [1024]",
            "decoder.out.weight [784, 1024]", "decoder.out.bias [784]",
        }));
        var metrics = Checkpoint.ReadMetrics(folder);
        Assert.That(metrics[1].TestLoss, Is.LessThan(metrics[0].TestLoss), "the second epoch improves on the first");
    }

    [TestCase("adamw", new[] { "--weight-decay", "0.05", "--beta1", "0.8" }, "exp_avg_sq", TestName = "AdamW")]
    [TestCase("sgd", new[] { "--lr", "1e-4", "--momentum", "0.9", "--nesterov" }, "momentum_buffer", TestName = "SgdNesterov")]
    [TestCase("sgd", new[] { "--lr", "1e-4" }, null, TestName = "PlainSgd")]
    [TestCase("adam", new[] { "--schedule", "cosine", "--warmup", "2", "--clip-norm", "50" }, "exp_avg", TestName = "AdamCosineWarmupClipped")]
    public void EachOptimizerTrainsAndIsRecordedInTheCheckpoint(string optimizer, string[] settings, string? state)
    {
        string folder = _folder[optimizer];
        var run = Cli.Run(["train", "--optimizer", optimizer, .. settings, "--hidden", "32,16", "--epochs", "2", "--out", folder, .. Small]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var metrics = Checkpoint.ReadMetrics(folder);
        Assert.That(metrics.All(m => double.IsFinite(m.TestLoss)), Is.True);
        Assert.That(Config(folder).GetProperty("training").GetProperty("optimizer").GetString(), Is.EqualTo(optimizer));
        var saved = StateDict.Load(Path.Combine(folder, Checkpoint.OptimizerFile));
        Assert.That(saved.Metadata["optimizer"], Is.EqualTo(optimizer));
        Assert.That(saved.Metadata["step"], Is.EqualTo("4"));
        if (state is null) Assert.That(saved, Is.Empty, "plain SGD keeps no state");
        else Assert.That(saved.Names, Does.Contain($"encoder.hidden.1.weight.{state}"));

        // --resume continues with the saved optimizer and settings when no flag is given again.
        var resumed = Cli.Run(["train", "--resume", "--epochs", "3", "--out", folder, .. Small]);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(StateDict.Load(Path.Combine(folder, Checkpoint.OptimizerFile)).Metadata["step"], Is.EqualTo("6"));
        Assert.That(Config(folder).GetProperty("training").GetProperty("optimizer").GetString(), Is.EqualTo(optimizer));
    }

    [Test]
    public void ResumeKeepsTheSavedLearningRateUnlessGivenAndRefusesAnotherOptimizer()
    {
        string folder = _folder["resume"];
        Assert.That(Cli.Run(["train", "--lr", "3e-4", "--hidden", "16", "--epochs", "1", "--out", folder, .. Small]).ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run(["train", "--resume", "--epochs", "2", "--out", folder, .. Small]).ExitCode, Is.EqualTo(0));
        Assert.That(Config(folder).GetProperty("training").GetProperty("learning_rate").GetDouble(), Is.EqualTo(3e-4), "not the default 1e-3");
        Assert.That(Cli.Run(["train", "--resume", "--lr", "1e-4", "--epochs", "3", "--out", folder, .. Small]).ExitCode, Is.EqualTo(0));
        Assert.That(Config(folder).GetProperty("training").GetProperty("learning_rate").GetDouble(), Is.EqualTo(1e-4), "a given --lr changes it");
        var other = Cli.Run(["train", "--resume", "--optimizer", "sgd", "--epochs", "4", "--out", folder, .. Small]);
        Assert.That(other.ExitCode, Is.EqualTo(2), other.ToString());
        Assert.That(other.Error, Does.Contain("trained with --optimizer adam, whose state cannot continue as sgd"));
    }

    [TestCase(new[] { "--hidden", "400,x" }, "--hidden needs whole numbers from 1 to 65536 separated by commas", TestName = "HiddenNotANumber")]
    [TestCase(new[] { "--hidden", "400,,200" }, "--hidden needs whole numbers", TestName = "HiddenEmptyEntry")]
    [TestCase(new[] { "--hidden", "0" }, "--hidden needs whole numbers from 1", TestName = "HiddenZero")]
    [TestCase(new[] { "--optimizer", "rmsprop" }, "--optimizer must be one of adam, adamw, sgd, not 'rmsprop'", TestName = "UnknownOptimizer")]
    [TestCase(new[] { "--momentum", "0.9" }, "--momentum is a setting of --optimizer sgd, not of adam", TestName = "MomentumWithAdam")]
    [TestCase(new[] { "--optimizer", "sgd", "--beta1", "0.5" }, "--beta1 is a setting of --optimizer adam or adamw, not of sgd", TestName = "BetaWithSgd")]
    [TestCase(new[] { "--optimizer", "sgd", "--nesterov" }, "--nesterov needs --momentum > 0", TestName = "NesterovWithoutMomentum")]
    [TestCase(new[] { "--gamma", "0.5" }, "--step-size and --gamma are settings of --schedule step", TestName = "GammaWithoutStepSchedule")]
    [TestCase(new[] { "--clip-norm", "0" }, "--clip-norm must be > 0", TestName = "ClipNormZero")]
    public void BadOptimizerFlagsAreRefusedWithTheirName(string[] flags, string message)
    {
        var run = Cli.Run(["train", .. flags, "--out", _folder["unused"], .. Small]);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain(message));
        Assert.That(Directory.Exists(_folder["unused"]), Is.False, "nothing was written");
    }
}
