using NUnit.Framework;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Kernels.Ilgpu;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// How many kernels one training step of the default model (784-400-20, batch 128, Adam) launches on an ILGPU
/// device, counted on ILGPU's CPU accelerator with the GEMM strategy a GPU uses (the tiled kernels with their
/// k-split, chosen per shape: one launch per GEMM, split or not, since the split GEMMs add their partial sums in the
/// same launch). Each launch costs a few microseconds on a GPU whatever its work, so at this model's size the count
/// bounds the step time from below; the test prints it and fails if it grows past the count written down in
/// perf-notes.md ("One launch per GEMM").
/// </summary>
[TestFixture]
public class LaunchesPerStepTests
{
    private const int Batch = 128;

    /// <summary>The launches of one replayed step at the time of writing (see the class summary).</summary>
    private const long LaunchesPerStepLimit = 78;

    [Test]
    public void AReplayedStepLaunchesAFixedNumberOfKernels()
    {
        Device device;
        try { device = Device.Open("ilgpu-cpu"); }
        catch (InvalidOperationException exception) { Assert.Ignore($"ilgpu-cpu is unavailable: {exception.Message}"); return; }
        var backend = (IlgpuBackend)device.Backend;
        // What a GPU runs at these shapes (Automatic means per-element on the CPU accelerator): the rule gives every
        // VAE shape the 64 × 64 kernel, so forcing it launches what a GPU launches.
        Assert.That(IlgpuBackend.ChooseTiledGemm(128, 400, 784).Kernel, Is.EqualTo(GemmStrategy.Tiled));
        backend.GemmStrategy = GemmStrategy.Tiled;

        var options = new VaeOptions();
        using var model = new VaeModel<float>(options, device, Seeds.Derive(7, Seeds.Initialization));
        using var optimizer = new Adam<float>(model.NamedParameters());
        using var graph = new ElboGraph<float>(model, device, Batch);
        var data = new float[Batch * options.InputSize];
        for (int i = 0; i < data.Length; i++) data[i] = (float)RandomStreams.Uniform<double>(5, 0, i);
        ulong blocksPerStep = RandomStreams.BlocksUsed<float>((long)Batch * options.LatentSize);
        long Step()
        {
            long before = backend.KernelLaunches;
            graph.SetImages(data);
            graph.DrawNoise(11, (ulong)optimizer.StepCount * blocksPerStep);
            var terms = graph.Forward();
            _ = terms.Loss.Value.Item();
            terms.Loss.Backward();
            optimizer.Step();
            model.ZeroGradients();
            return backend.KernelLaunches - before;
        }
        long first = Step();
        var before = new Dictionary<string, long>(backend.KernelLaunchesByKernel);
        long second = Step();
        string breakdown = string.Join(", ", backend.KernelLaunchesByKernel
            .Select(pair => (pair.Key, Count: pair.Value - before.GetValueOrDefault(pair.Key)))
            .Where(pair => pair.Count > 0).OrderByDescending(pair => pair.Count).Select(pair => $"{pair.Key} {pair.Count}"));
        Assert.That(Step(), Is.EqualTo(second), "every replayed step launches the same kernels");
        // One launch per GEMM: a split GEMM adds its partial sums inside its launch; with the second pass it did that
        // in before, each split GEMM launches twice.
        backend.GemmSumSplitsInKernel = false;
        long withSumPass = Step();
        backend.GemmStrategy = GemmStrategy.PerElement;
        long unsplit = Step();
        TestContext.Out.WriteLine($"kernel launches per training step (784-400-20, batch {Batch}, Adam): first {first}, replayed {second} "
            + $"({withSumPass} with the split GEMMs' partial sums in a second launch, {unsplit} unsplit); by kernel: {breakdown}");
        Assert.That(unsplit, Is.EqualTo(second), "one launch per GEMM, split or not");
        Assert.That(withSumPass - second, Is.EqualTo(backend.KernelLaunchesByKernel.GetValueOrDefault("GemmKernels.SumSplits")),
            "the second pass is what the in-kernel sum saves");
        Assert.That(second, Is.LessThanOrEqualTo(LaunchesPerStepLimit));
    }
}
