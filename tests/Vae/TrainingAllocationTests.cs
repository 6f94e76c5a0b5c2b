using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// A warmed-up training step on the host (the trainer's step: upload, forward, loss read-back, backward, Adam,
/// zero the gradients, reset the tape) takes no new device memory and allocates only a few kilobytes of managed
/// objects — the tape's records and the values' wrappers, not buffers.
/// </summary>
[TestFixture]
public class TrainingAllocationTests
{
    // Measured: ≈ 8.3 KB per step of 784-400-20 (about 40 recorded operations, each with its output Var, Tensor
    // and storage objects and the operation record). A regression that allocates per element or per buffer
    // (a managed array per batch, a closure per primitive call) would be far above this.
    private const long ManagedBytesPerStepLimit = 12 * 1024;

    [Test]
    public void AWarmedUpStepAllocatesNoDeviceBuffersAndFewManagedBytes()
    {
        var device = Device.Open("host", 2);
        var options = new VaeOptions();
        const int batch = 32;
        using var model = new VaeModel<float>(options, device, Seeds.Derive(7, Seeds.Initialization));
        using var optimizer = new Adam<float>(model.Parameters);
        var data = new float[batch * options.InputSize];
        for (int i = 0; i < data.Length; i++) data[i] = (float)RandomStreams.Uniform<double>(5, 0, i);
        ulong blocksPerStep = RandomStreams.BlocksUsed<float>((long)batch * options.LatentSize);
        using var tape = new Tape();
        double lastLoss = 0;
        void Step()
        {
            var tensor = Tensor<float>.Empty(new Shape(batch, options.InputSize), device);
            device.Backend.Upload<float>(data, tensor.Buffer);
            var x = Var<float>.Constant(tensor, takeOwnership: true);
            var terms = model.Network.NegativeElbo(x, 11, (ulong)optimizer.StepCount * blocksPerStep);
            lastLoss = terms.Loss.Value.Item();
            terms.Loss.Backward();
            optimizer.Step();
            model.ZeroGradients();
            tape.Reset();
        }

        for (int i = 0; i < 3; i++) Step();
        long deviceAllocations = device.Pool.DeviceAllocations;
        long bytesInUse = device.Pool.BytesInUse;
        const int steps = 5;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++) Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;

        Assert.That(double.IsFinite(lastLoss) && lastLoss > 0, Is.True, $"the loss is a positive number ({lastLoss})");
        Assert.That(device.Pool.DeviceAllocations, Is.EqualTo(deviceAllocations), "no new device buffers after warm-up");
        Assert.That(device.Pool.BytesInUse, Is.EqualTo(bytesInUse), "the same bytes in use after every step");
        Assert.That(perStep, Is.LessThan(ManagedBytesPerStepLimit), $"managed bytes allocated per step: {perStep}");
        TestContext.Out.WriteLine($"managed bytes allocated per warmed-up step: {perStep}");
    }
}
