using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The trainer's recorded step: training by replaying an <see cref="ElboGraph{T}"/> gives, bit for bit, the losses
/// and weights of building the graph afresh every step (the eager way), for full and smaller last batches.
/// </summary>
[TestFixture]
public class ElboGraphTests
{
    private static readonly VaeOptions Options = new() { InputSize = 12, HiddenSizes = [9], LatentSize = 3 };
    private const ulong NoiseSeed = 41;

    private static float[] Batch(int step, int rows, int inputSize)
    {
        var data = new float[rows * inputSize];
        for (int i = 0; i < data.Length; i++) data[i] = (float)RandomStreams.Uniform<double>(3, (ulong)step << 32, i);
        return data;
    }

    // Five steps of 6 images, then one of 4 (an epoch's smaller last batch), then two more of 6.
    private static readonly int[] Rows = [6, 6, 6, 6, 6, 4, 6, 6];

    [TestCase("host", Likelihood.Bernoulli, Activation.Relu, Architecture.Mlp)]
    [TestCase("host", Likelihood.Gaussian, Activation.Tanh, Architecture.Mlp)]
    [TestCase("ilgpu-cpu", Likelihood.Bernoulli, Activation.Elu, Architecture.Mlp)]
    [TestCase("host", Likelihood.Bernoulli, Activation.Relu, Architecture.Conv)]
    [TestCase("ilgpu-cpu", Likelihood.Gaussian, Activation.Elu, Architecture.Conv)]
    public void ReplayingTheRecordedStepTrainsExactlyAsBuildingItAfresh(string deviceName, Likelihood likelihood, Activation activation, Architecture architecture)
    {
        var device = Device.Open(deviceName);
        var options = architecture == Architecture.Conv
            ? Options with { Architecture = Architecture.Conv, InputSize = 64, HiddenSizes = [9], Likelihood = likelihood, Activation = activation, Beta = 0.5 }
            : Options with { Likelihood = likelihood, Activation = activation, HiddenSizes = [9, 7], Beta = 0.5 };
        using var eagerModel = new VaeModel<float>(options, device, 17);
        using var eagerOptimizer = new Adam<float>(eagerModel.NamedParameters());
        using var replayModel = new VaeModel<float>(options, device, 17);
        using var replayOptimizer = new Adam<float>(replayModel.NamedParameters());
        var graphs = new Dictionary<int, ElboGraph<float>>();
        try
        {
            for (int step = 0; step < Rows.Length; step++)
            {
                int rows = Rows[step];
                var data = Batch(step, rows, options.InputSize);
                ulong counter = (ulong)step * 1000;

                double eagerLoss;
                using (var tape = new Tape())
                {
                    var x = Var<float>.Constant(Tensor<float>.FromArray(data, Shape.Matrix(rows, options.InputSize), device), takeOwnership: true);
                    var terms = eagerModel.NegativeElbo(x, NoiseSeed, counter);
                    eagerLoss = terms.Loss.Value.Item();
                    terms.Loss.Backward();
                }
                eagerOptimizer.Step();
                eagerModel.ZeroGradients();

                if (!graphs.TryGetValue(rows, out var graph)) graphs[rows] = graph = new ElboGraph<float>(replayModel, device, rows);
                bool replays = graph.IsRecorded;
                graph.SetImages(data);
                graph.DrawNoise(NoiseSeed, counter);
                var replayTerms = graph.Forward();
                double replayLoss = replayTerms.Loss.Value.Item();
                replayTerms.Loss.Backward();
                replayOptimizer.Step();
                replayModel.ZeroGradients();

                Assert.That(replayLoss, Is.EqualTo(eagerLoss), $"step {step} ({rows} rows, {(replays ? "replayed" : "recorded")})");
                Assert.That(Tape.Current, Is.Null, "the graph's tape is not left active");
            }
            var eagerWeights = eagerModel.Snapshot();
            var replayWeights = replayModel.Snapshot();
            for (int i = 0; i < eagerWeights.Count; i++)
                Assert.That(replayWeights[i], Is.EqualTo(eagerWeights[i]), $"{eagerModel.NamedParameters()[i].Name} after {Rows.Length} steps");
        }
        finally
        {
            foreach (var graph in graphs.Values) graph.Dispose();
        }
    }

    [Test]
    public void TheInputsAreCheckedAndADisposedGraphRefusesWork()
    {
        using var model = new VaeModel<float>(Options, Device.Host, 3);
        var graph = new ElboGraph<float>(model, Device.Host, 2);
        var error = Assert.Throws<ArgumentException>(() => graph.SetImages(new float[5]))!;
        Assert.That(error.Message, Does.Contain("5 pixel values").And.Contain("[2, 12]"));
        graph.Dispose();
        Assert.Throws<ObjectDisposedException>(() => graph.Forward());
    }
}
