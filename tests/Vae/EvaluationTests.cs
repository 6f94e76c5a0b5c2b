using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// <see cref="Trainer.Evaluate"/> replays the recorded forward pass per batch size. Its figures must be those of the
/// graph built afresh in a no-gradient scope (the definition: −ELBO with ε from the evaluation stream at the batch's
/// offset), bit for bit, and once warmed up it allocates nothing.
/// </summary>
[TestFixture]
public class EvaluationTests
{
    private static readonly VaeOptions Model = new() { HiddenSizes = [32], LatentSize = 4 };

    /// <summary>The eager definition: a fresh graph per batch of the test set, no gradients.</summary>
    private static (double Loss, double Reconstruction, double Kl) Eager(Trainer trainer, ulong seed)
    {
        var set = trainer.Data.Test;
        var device = trainer.Device;
        int batchSize = trainer.Options.BatchSize;
        ulong blocksPerBatch = RandomStreams.BlocksUsed<float>((long)batchSize * Model.LatentSize);
        double loss = 0, reconstruction = 0, kl = 0;
        var pixels = new float[set.PixelsPerImage];
        using var scope = Tape.NoGrad();
        for (int start = 0, batch = 0; start < set.Count; start += batchSize, batch++)
        {
            int rows = Math.Min(batchSize, set.Count - start);
            var images = new float[rows * set.PixelsPerImage];
            for (int r = 0; r < rows; r++) set.CopyImage(start + r, images.AsSpan(r * set.PixelsPerImage, set.PixelsPerImage));
            var x = Var<float>.Constant(Tensor<float>.FromArray(images, new Shape(rows, set.PixelsPerImage), device), takeOwnership: true);
            var terms = trainer.Model.NegativeElbo(x, Seeds.Derive(seed, Seeds.EvaluationNoise), (ulong)batch * blocksPerBatch);
            loss += terms.Loss.Value.Item();
            reconstruction += terms.Reconstruction.Value.Item();
            kl += terms.Kl.Value.Item();
            scope.Reset();
        }
        return (loss / set.Count, reconstruction / set.Count, kl / set.Count);
    }

    [TestCaseSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
    public void EvaluateGivesTheFreshGraphsFiguresBitForBit(string deviceName)
    {
        var device = AutogradDevices.OpenOrIgnore(deviceName);
        // 100 test images in batches of 64: a full batch and a smaller last one (36), which training (256 = 4 × 64)
        // never recorded, so Evaluate records that size itself.
        var data = TrainingData.First(256, 100);
        var options = new TrainOptions { BatchSize = 64, Seed = 9 };
        using var trainer = new Trainer(Model, options, data, device);
        var before = trainer.Evaluate(data.Test);
        Assert.That(before, Is.EqualTo(Eager(trainer, options.Seed)), "fresh weights");
        trainer.RunEpoch();
        var after = trainer.Evaluate(data.Test);
        Assert.That(after, Is.EqualTo(Eager(trainer, options.Seed)), "after an epoch (the graphs replayed with new weights)");
        Assert.That(after.Loss, Is.LessThan(before.Loss), "the epoch lowered the test loss, or the comparison proves little");
        Assert.That(after.Loss, Is.EqualTo(after.Reconstruction + after.Kl).Within(1e-6 * after.Loss), "−ELBO = reconstruction + KL");
        trainer.RunEpoch();
        Assert.That(trainer.History[^1].TestLoss, Is.EqualTo(Eager(trainer, options.Seed).Loss), "the epoch's reported test loss");
    }

    [Test]
    public void AWarmedUpEvaluationAllocatesNothing()
    {
        var device = Device.Open("host", 2);
        var data = TrainingData.First(128, 100);
        using var trainer = new Trainer(Model, new TrainOptions { BatchSize = 64, Seed = 3 }, data, device);
        // The first call records a graph per batch size; the first replay checks each graph once.
        trainer.Evaluate(data.Test);
        trainer.Evaluate(data.Test);
        long deviceAllocations = device.Pool.DeviceAllocations;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var figures = trainer.Evaluate(data.Test);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(double.IsFinite(figures.Loss) && figures.Loss > 0, Is.True, $"a positive loss ({figures.Loss})");
        Assert.That(bytes, Is.Zero, $"managed bytes allocated by a warmed-up Evaluate over 2 batches: {bytes}");
        Assert.That(device.Pool.DeviceAllocations, Is.EqualTo(deviceAllocations), "no new device buffers");
    }

    [Test]
    public void ASetOfAnotherImageSizeIsRefusedByName()
    {
        var data = TrainingData.First(64, 10);
        using var trainer = new Trainer(Model, new TrainOptions { BatchSize = 32 }, data, Device.Open("host"));
        var other = new ScratchVae.Vae.Data.ImageDataSet(new float[2 * 10], new byte[2], 2, 5);
        var error = Assert.Throws<ArgumentException>(() => trainer.Evaluate(other));
        Assert.That(error!.Message, Does.Contain("10 pixels per image").And.Contain("784"));
    }
}
