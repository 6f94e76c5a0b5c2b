using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>Training is a deterministic function of the seed on a device, and the devices agree with each other.</summary>
[TestFixture]
public class ReproducibilityTests
{
    private static readonly VaeOptions SmallModel = new() { HiddenSizes = [32], LatentSize = 4 };

    [Test]
    public void TheSameSeedOnTheSameDeviceGivesIdenticalEpochs()
    {
        var data = TrainingData.First(256, 128);
        var options = new TrainOptions { Epochs = 2, BatchSize = 64, Seed = 5 };
        var model = SmallModel with { HiddenSizes = [16], LatentSize = 2 };
        List<EpochMetrics> Run(TrainOptions training)
        {
            using var trainer = new Trainer(model, training, data, Device.Open("host"));
            trainer.RunEpoch();
            trainer.RunEpoch();
            // Wall time differs between runs; everything else must not.
            return trainer.History.Select(m => m with { Seconds = 0 }).ToList();
        }
        var first = Run(options);
        var second = Run(options);
        Assert.That(second, Is.EqualTo(first), "two runs with seed 5");
        Assert.That(first[1].TrainLoss, Is.LessThan(first[0].TrainLoss), "the loss must fall, or the runs prove little");
        var other = Run(options with { Seed = 6 });
        Assert.That(other[0].TrainLoss, Is.Not.EqualTo(first[0].TrainLoss), "another seed gives another run");
    }

    [Test]
    public void HostAndIlgpuCpuAgreeOnTheFirstTenStepLosses()
    {
        Device ilgpu;
        try
        {
            ilgpu = Device.Open("ilgpu-cpu");
        }
        catch (Exception exception) when (exception is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            Assert.Ignore($"ilgpu-cpu is not available: {exception.Message}");
            return;
        }
        var data = TrainingData.First(320, 1);
        var host = StepLosses(Device.Open("host"), data.Train.Pixels, steps: 10, batch: 32);
        var device = StepLosses(ilgpu, data.Train.Pixels, steps: 10, batch: 32);
        TestContext.Out.WriteLine("host:       " + string.Join(", ", host.Select(l => l.ToString("F4"))));
        TestContext.Out.WriteLine("ilgpu-cpu:  " + string.Join(", ", device.Select(l => l.ToString("F4"))));
        for (int step = 0; step < host.Length; step++)
            Assert.That(device[step], Is.EqualTo(host[step]).Within(1e-4 * Math.Abs(host[step])), $"step {step + 1}");
        Assert.That(host[^1], Is.LessThan(host[0]), "the loss must fall over ten steps, or the comparison proves little");
    }

    /// <summary>
    /// The second comparison: the default model (784-400-20, batch 128) through the command line, ten steps
    /// on the embedded digits, <c>train --log-steps 10</c> on each device.
    /// </summary>
    [Test]
    public void TheDefaultModelThroughTheCliAgreesOnHostAndIlgpuCpuForTenSteps()
    {
        using var folder = new TemporaryFolder();
        double[] Steps(string device)
        {
            var result = Cli.Run("train", "--device", device, "--epochs", "1", "--limit", "1280", "--log-steps", "10",
                "--no-images", "--out", folder[device]);
            if (device != "host" && result.ExitCode != 0 && result.Error.Contains("cannot be used", StringComparison.Ordinal))
                Assert.Ignore($"{device} is not available: {result.Error}");
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            return Enumerable.Range(1, 10).Select(step => result.Value($"step {step} loss")).ToArray();
        }
        var host = Steps("host");
        var device = Steps("ilgpu-cpu");
        TestContext.Out.WriteLine("host:       " + string.Join(", ", host.Select(l => l.ToString("F4"))));
        TestContext.Out.WriteLine("ilgpu-cpu:  " + string.Join(", ", device.Select(l => l.ToString("F4"))));
        TestContext.Out.WriteLine($"largest relative difference: {host.Zip(device, (h, d) => Math.Abs(d - h) / Math.Abs(h)).Max():E2}");
        for (int step = 0; step < host.Length; step++)
            Assert.That(device[step], Is.EqualTo(host[step]).Within(1e-4 * Math.Abs(host[step])), $"step {step + 1}");
        Assert.That(host[^1], Is.LessThan(0.8 * host[0]), "the loss must fall over ten steps, or the comparison proves little");
    }

    /// <summary>
    /// The training step of <see cref="Trainer"/> (negative ELBO summed over the batch, backward, one Adam step) over
    /// consecutive batches, returning each step's loss per example.
    /// </summary>
    private static double[] StepLosses(Device device, float[] pixels, int steps, int batch)
    {
        const ulong seed = 3;
        using var model = new VaeModel<float>(SmallModel, device, Seeds.Derive(seed, Seeds.Initialization));
        using var optimizer = new Adam<float>(model.NamedParameters());
        ulong noiseSeed = Seeds.Derive(seed, Seeds.TrainingNoise);
        ulong blocksPerStep = RandomStreams.BlocksUsed<float>((long)batch * SmallModel.LatentSize);
        int width = SmallModel.InputSize;
        var losses = new double[steps];
        using var tape = new Tape();
        for (int step = 0; step < steps; step++)
        {
            var x = Var<float>.Constant(Tensor<float>.FromArray(pixels.AsSpan(step * batch * width, batch * width), Shape.Matrix(batch, width), device), takeOwnership: true);
            var terms = model.NegativeElbo(x, noiseSeed, (ulong)step * blocksPerStep);
            losses[step] = terms.Loss.Value.Item() / batch;
            terms.Loss.Backward();
            optimizer.Step();
            model.ZeroGradients();
            tape.Reset();
        }
        return losses;
    }
}
