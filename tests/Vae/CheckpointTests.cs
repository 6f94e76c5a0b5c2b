using System.Text.RegularExpressions;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>Checkpoints restore the exact training state, and broken ones are refused before anything is loaded.</summary>
[TestFixture]
public class CheckpointTests
{
    private static readonly VaeOptions Model = new() { HiddenSizes = [16], LatentSize = 2 };
    private static readonly TrainOptions Training = new() { BatchSize = 64, Seed = 2, Device = "host", Limit = 128 };
    private readonly Device _host = Device.Open("host");
    private DataSplit _data = null!;

    [OneTimeSetUp]
    public void LoadData() => _data = TrainingData.First(128, 128);

    private static List<EpochMetrics> WithoutTimes(IEnumerable<EpochMetrics> history) => history.Select(m => m with { Seconds = 0 }).ToList();

    [Test]
    public void ARestoredTrainerHasIdenticalStateAndContinuesExactlyAsAnUninterruptedRun()
    {
        using var folder = new TemporaryFolder();
        using var original = new Trainer(Model, Training, _data, _host);
        original.RunEpoch();
        original.SaveCheckpoint(folder.Path);

        // A trainer with another seed starts from other weights; restoring must replace all of its state.
        using var restored = new Trainer(Model, Training with { Seed = 99 }, _data, _host);
        Assert.That(restored.Model.Snapshot(), Is.Not.EqualTo(original.Model.Snapshot()));
        restored.Restore(folder.Path);
        Assert.That(restored.Model.Snapshot(), Is.EqualTo(original.Model.Snapshot()), "weights");
        var names = original.Model.NamedParameters();
        for (int i = 0; i < names.Count; i++)
        {
            Assert.That(restored.Optimizer.State("exp_avg", i).ToArray(), Is.EqualTo(original.Optimizer.State("exp_avg", i).ToArray()), $"m of {names[i].Name}");
            Assert.That(restored.Optimizer.State("exp_avg_sq", i).ToArray(), Is.EqualTo(original.Optimizer.State("exp_avg_sq", i).ToArray()), $"v of {names[i].Name}");
        }
        Assert.That(restored.Optimizer.StepCount, Is.EqualTo(2), "128 images in batches of 64");
        Assert.That(WithoutTimes(restored.History), Is.EqualTo(WithoutTimes(original.History)));

        // The second epoch of the restored trainer (its own seed is 99, so continuing with the original's noise and
        // order needs the original's seed: a resumed run reads it from the checkpoint's flags) …
        using var resumed = new Trainer(Model, Training, _data, _host);
        resumed.Restore(folder.Path);
        resumed.RunEpoch();
        original.RunEpoch();
        Assert.That(resumed.Optimizer.StepCount, Is.EqualTo(4), "the step count continues");
        Assert.That(WithoutTimes(resumed.History), Is.EqualTo(WithoutTimes(original.History)), "same metrics as the uninterrupted run");
        Assert.That(resumed.Model.Snapshot(), Is.EqualTo(original.Model.Snapshot()), "same weights as the uninterrupted run");
    }

    [Test]
    public void ResumingFromTheCommandLineContinuesTheRunExactly()
    {
        using var folder = new TemporaryFolder();
        string[] common = ["--limit", "128", "--hidden", "16", "--latent", "2", "--batch", "64", "--device", "host", "--no-images", "--seed", "3"];
        var straight = Cli.Run(["train", "--epochs", "2", "--out", folder["straight"], .. common]);
        Assert.That(straight.ExitCode, Is.EqualTo(0), straight.ToString());
        var first = Cli.Run(["train", "--epochs", "1", "--out", folder["resumed"], .. common]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        var second = Cli.Run(["train", "--epochs", "2", "--resume", "--out", folder["resumed"], .. common]);
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(second.Output, Does.Contain("resumed from").And.Contain("after epoch 1 (step 2)"));

        var info = Checkpoint.ReadInfo(folder["resumed"]);
        Assert.That((info.Epoch, info.Step), Is.EqualTo((2, 4)));
        Assert.That(WithoutTimes(Checkpoint.ReadMetrics(folder["resumed"])), Is.EqualTo(WithoutTimes(Checkpoint.ReadMetrics(folder["straight"]))));
        var resumed = Checkpoint.ReadWeights(folder["resumed"], info);
        var straightWeights = Checkpoint.ReadWeights(folder["straight"], Checkpoint.ReadInfo(folder["straight"]));
        Assert.That(resumed.Names, Is.EqualTo(straightWeights.Names));
        foreach (var tensor in straightWeights) Assert.That(resumed[tensor.Name].Values, Is.EqualTo(tensor.Values), tensor.Name);
    }

    [Test]
    public void ResumingWithAContradictingArchitectureFlagIsRefused()
    {
        using var folder = new TemporaryFolder();
        string[] common = ["--limit", "128", "--latent", "2", "--batch", "64", "--device", "host", "--no-images"];
        var first = Cli.Run(["train", "--epochs", "1", "--hidden", "16", "--out", folder["run"], .. common]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        var before = Directory.GetFiles(folder["run"]).ToDictionary(f => f, File.ReadAllBytes);
        var second = Cli.Run(["train", "--epochs", "2", "--resume", "--hidden", "32", "--out", folder["run"], .. common]);
        Assert.That(second.ExitCode, Is.EqualTo(2), second.ToString());
        Assert.That(second.Error, Does.Contain("--hidden").And.Contain("contradicts").And.Contain("784-16-2"));
        Assert.That(Directory.GetFiles(folder["run"]).ToDictionary(f => f, File.ReadAllBytes), Is.EqualTo(before), "nothing was written");
        var same = Cli.Run(["train", "--epochs", "2", "--resume", "--hidden", "16", "--out", folder["run"], .. common]);
        Assert.That(same.ExitCode, Is.EqualTo(0), "repeating the checkpoint's own architecture is fine: " + same);
    }

    /// <summary>Ways to break a good checkpoint folder, and what the refusal must say.</summary>
    private static IEnumerable<TestCaseData> Corruptions()
    {
        yield return new TestCaseData((Action<string>)(folder =>
        {
            string path = Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.ModelFile);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        }), Checkpoint.ModelFile, "").SetName("TruncatedWeights");
        yield return new TestCaseData((Action<string>)(folder =>
        {
            string path = Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.ConfigFile);
            File.WriteAllText(path, Regex.Replace(File.ReadAllText(path), "\"step\": 2", "\"step\": 3"));
        }), Checkpoint.ModelFile, "written at step 2 but config.json says step 3").SetName("MismatchedStep");
        yield return new TestCaseData((Action<string>)(folder =>
        {
            // encoder.mu.weight [2, 16] stored as [16, 2]: the same number of values in the wrong layout.
            string path = Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.ModelFile);
            var (tensors, metadata) = SafeTensorsFile.Read(path);
            var changed = tensors.Select(t => t.Name == "encoder.mu.weight" ? t with { Shape = [16, 2] } : t).ToList();
            SafeTensorsFile.Write(path, changed, metadata);
        }), Checkpoint.ModelFile, "'encoder.mu.weight' has shape [16, 2] but the VaeModel needs [2, 16]").SetName("WrongShape");
        yield return new TestCaseData((Action<string>)(folder => File.Delete(Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.OptimizerFile))),
            Checkpoint.OptimizerFile, "").SetName("MissingOptimizerState");
        yield return new TestCaseData((Action<string>)(folder => File.WriteAllText(Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.ConfigFile), "{ \"model\": ")),
            Checkpoint.ConfigFile, "not a valid configuration").SetName("TruncatedConfig");
    }

    [TestCaseSource(nameof(Corruptions))]
    public void ACorruptCheckpointIsRefusedWithAMessageAndNothingIsLoaded(Action<string> corrupt, string file, string problem)
    {
        using var folder = new TemporaryFolder();
        using (var trainer = new Trainer(Model, Training, _data, _host))
        {
            trainer.RunEpoch();
            trainer.SaveCheckpoint(folder.Path);
        }
        corrupt(folder.Path);
        var corrupted = FolderContents.Read(folder.Path);

        using var fresh = new Trainer(Model, Training with { Seed = 7 }, _data, _host);
        var before = fresh.Model.Snapshot();
        var exception = Assert.Catch(() => fresh.Restore(folder.Path));
        Assert.That(exception, Is.InstanceOf<CheckpointException>().Or.InstanceOf<IOException>(), exception!.ToString());
        Assert.That(exception.Message, Does.Contain(file).And.Contain(problem));
        Assert.That(fresh.Model.Snapshot(), Is.EqualTo(before), "no weight may change");
        Assert.That(fresh.Optimizer.StepCount, Is.EqualTo(0), "the optimizer state must not change");
        Assert.That(fresh.History, Is.Empty);

        // The command line says the same and exits with 1, for a verb that needs the optimizer state (train --resume)
        // and one that reads only the weights (eval) where they are the broken part.
        var resume = Cli.Run("train", "--resume", "--epochs", "2", "--out", folder.Path, "--limit", "128", "--batch", "64", "--device", "host", "--no-images");
        Assert.That(resume.ExitCode, Is.EqualTo(1), resume.ToString());
        Assert.That(resume.Error, Does.Contain(file).And.Contain(problem));
        if (file != Checkpoint.OptimizerFile)
        {
            var eval = Cli.Run("eval", "--checkpoint", folder.Path, "--iw-samples", "2", "--limit", "8", "--device", "host");
            Assert.That(eval.ExitCode, Is.EqualTo(1), eval.ToString());
            Assert.That(eval.Error, Does.Contain(file).And.Contain(problem));
        }
        FolderContents.AssertUnchanged(folder.Path, corrupted, "a refused checkpoint is left as it was");
    }
}
