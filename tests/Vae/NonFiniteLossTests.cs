using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>A NaN or infinite loss stops training at once, names the step, and applies nothing of that step.</summary>
[TestFixture]
public class NonFiniteLossTests
{
    [Test]
    public void APoisonedBatchStopsTrainingBeforeItsUpdate()
    {
        var clean = TrainingData.First(128, 64);
        // A private copy of the pixels: the trainer reads its data set's arrays on every step.
        var pixels = (float[])clean.Train.Pixels.Clone();
        var data = clean with { Train = new ImageDataSet(pixels, clean.Train.Labels, clean.Train.Height, clean.Train.Width) };
        var options = new TrainOptions { BatchSize = 64, Seed = 4 };
        using var folder = new TemporaryFolder();
        using var trainer = new Trainer(new VaeOptions { HiddenSizes = [16], LatentSize = 2 }, options, data, Device.Open("host"));
        trainer.RunEpoch();
        trainer.SaveCheckpoint(folder.Path);
        var saved = FolderContents.Read(folder.Path);
        var weights = trainer.Model.Snapshot();

        // An IDX file cannot hold NaN, but a corrupted reading can: one NaN pixel in every image puts one in every batch.
        for (int image = 0; image < data.Train.Count; image++) pixels[image * data.Train.PixelsPerImage + 300] = float.NaN;
        var exception = Assert.Throws<NonFiniteLossException>(() => trainer.RunEpoch());
        Assert.That(exception!.Epoch, Is.EqualTo(2));
        Assert.That(exception.Step, Is.EqualTo(3), "the first step of epoch 2 (two steps of 64 per epoch)");
        Assert.That(exception.Message, Does.Contain("epoch 2, step 3").And.Contain("NaN"));
        Assert.That(trainer.Optimizer.StepCount, Is.EqualTo(2), "the failing step was not counted");
        Assert.That(trainer.Model.Snapshot(), Is.EqualTo(weights), "nor applied");
        Assert.That(trainer.History, Has.Count.EqualTo(1));
        FolderContents.AssertUnchanged(folder.Path, saved, "the last good checkpoint");
    }
}

/// <summary>Saves that must not replace a good checkpoint: broken parameters, a failing disk; and advice that fits the cause.</summary>
[TestFixture]
public class SafeSaveTests
{
    private static Trainer Trained(TemporaryFolder folder)
    {
        var trainer = new Trainer(new VaeOptions { HiddenSizes = [16], LatentSize = 2 }, new TrainOptions { BatchSize = 64 }, TrainingData.First(128, 64), Device.Open("host"));
        trainer.RunEpoch();
        trainer.SaveCheckpoint(folder.Path);
        return trainer;
    }

    [Test]
    public void ParametersWithANaNAreNeverSaved()
    {
        using var folder = new TemporaryFolder();
        using var trainer = Trained(folder);
        var saved = FolderContents.Read(folder.Path);
        var weight = ((MlpDecoder<float>)trainer.Model.Decoder).Out.Bias!;
        var values = weight.Value.ToArray();
        values[5] = float.PositiveInfinity;
        weight.Device.Backend.Upload<float>(values, weight.Value.Buffer);
        var error = Assert.Throws<NonFiniteLossException>(() => trainer.SaveCheckpoint(folder.Path))!;
        Assert.That(error.Message, Does.Contain("parameter decoder.out.bias became ∞").Or.Contain("parameter decoder.out.bias became Infinity"));
        FolderContents.AssertUnchanged(folder.Path, saved, "the good checkpoint");
    }

    [Test]
    public void ASaveThatFailsPartWayLeavesTheOldSetAndNoStagingFolder()
    {
        using var folder = new TemporaryFolder();
        using var trainer = Trained(folder);
        var saved = FolderContents.Read(folder.Path);
        Assert.Throws<IOException>(() => CheckpointStore.Save(folder.Path, 99, staging =>
        {
            File.WriteAllText(Path.Combine(staging, Checkpoint.ModelFile), "half");
            throw new IOException("No space left on device");
        }));
        FolderContents.AssertUnchanged(folder.Path, saved, "after a full disk");
        Assert.That(Directory.GetDirectories(folder.Path).Select(Path.GetFileName), Has.None.StartsWith(".staging-"));
        Assert.That(Checkpoint.ReadInfo(folder.Path).Step, Is.EqualTo(2));
    }

    [Test]
    public void ThePointerRefusesToLeadOutsideTheFolder()
    {
        using var folder = new TemporaryFolder();
        using var trainer = Trained(folder);
        File.WriteAllText(Path.Combine(folder.Path, CheckpointStore.CurrentFile), "../../etc\n");
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.ReadInfo(folder.Path))!;
        Assert.That(error.Message, Does.Contain("current").And.Contain("does not name a checkpoint generation"));
    }

    [Test]
    public void TheAdviceNamesTheCause()
    {
        Assert.That(NonFiniteLossException.Advice(new VaeOptions { Likelihood = Likelihood.Gaussian, GaussianVariance = 1e-6 }, 1e-3),
            Does.Contain("--variance 1E-06 multiplies the squared error by 1/(2σ²) = 5E+05").And.Contain("a smaller --lr does not remove"));
        Assert.That(NonFiniteLossException.Advice(new VaeOptions(), 5), Does.Contain("a smaller --lr than 5"));
    }

    [Test]
    public void ANonFiniteTestLossIsNotSavedAndTheMessageFitsTheCause()
    {
        // SGD at lr 1 with σ² = 1e-6: the training losses of epoch 1 stay finite, its test loss is NaN.
        using var folder = new TemporaryFolder();
        var run = Cli.Run("train", "--optimizer", "sgd", "--lr", "1", "--epochs", "3", "--limit", "128", "--hidden", "16", "--latent", "2", "--batch", "64",
            "--device", "host", "--no-images", "--likelihood", "gaussian", "--variance", "1e-6", "--out", folder.Path);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain("the test loss became NaN at epoch 1, step 2").And.Contain("raise --variance").And.Contain("No checkpoint had been saved"));
        Assert.That(run.Error, Does.Not.Contain("last good checkpoint was kept"), "there is none yet");
        Assert.That(File.Exists(Path.Combine(folder.Path, CheckpointStore.CurrentFile)), Is.False, "nothing was saved");
    }
}
