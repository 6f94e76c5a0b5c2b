using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
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
