// Shape legend: B examples, D pixels, Z latent dimensions.
using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Tensors;
using ScratchVae.Tests.Support;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// KL warm-up, free bits and active units: the regularised losses against float64 arithmetic of their definitions, the
/// free-bits loss through the gradient checker, the warm-up schedule's values, replay with a refilled weight, the
/// command line (flags saved, kept on resume, refused out of range), and eval's active-unit count.
/// </summary>
[TestFixture]
public class KlRegularizationTests
{
    private static readonly VaeOptions Small = new() { InputSize = 10, HiddenSizes = [7], LatentSize = 4, Beta = 1.5 };

    // Per-dimension batch KL Σᵢ −½ (1 + logVar − μ² − exp(logVar)), from the encoder's outputs, in float64.
    private static double[] DimensionKl(VaeModel<double> model, Tensor<double> x)
    {
        using var scope = Tape.NoGrad();
        var (mu, logVar) = model.Encode(Var<double>.Constant(x));
        double[] m = mu.Value.ToArray(), v = logVar.Value.ToArray();
        int rows = x.Shape[0], latent = model.Options.LatentSize;
        var kl = new double[latent];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < latent; j++)
            {
                double lv = v[i * latent + j], mm = m[i * latent + j];
                kl[j] += -0.5 * (1 + lv - mm * mm - Math.Exp(lv));
            }
        return kl;
    }

    [Test]
    public void FreeBitsCountEachDimensionsBatchKlAsAtLeastTheFloor()
    {
        var device = Device.Open("host");
        using var model = new VaeModel<double>(Small, device, seed: 3);
        using var x = Tensor<double>.Uniform(Shape.Matrix(5, 10), 4, device: device);
        using var eps = Tensor<double>.Normal(Shape.Matrix(5, 4), 5, device: device);
        double[] perDimension = DimensionKl(model, x);
        // λ between the dimensions' per-example KLs, so some are raised to the floor and some are not.
        double[] sorted = perDimension.Order().ToArray();
        double lambda = (sorted[1] + sorted[2]) / 2 / 5;
        using var tape = new Tape();
        var plain = model.NegativeElbo(Var<double>.Constant(x), eps);
        var regularised = model.NegativeElbo(Var<double>.Constant(x), eps, new KlRegularization<double>(null, lambda));
        double penalty = perDimension.Sum(kl => Math.Max(5 * lambda, kl));
        double expected = regularised.Reconstruction.Value.Item() + Small.Beta * penalty;
        Assert.That(regularised.Loss.Value.Item(), Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)));
        Assert.That(regularised.Kl.Value.Item(), Is.EqualTo(plain.Kl.Value.Item()).Within(1e-12), "the reported KL stays the true KL");
        Assert.That(regularised.Kl.Value.Item(), Is.EqualTo(perDimension.Sum()).Within(1e-12));
        Assert.That(penalty, Is.GreaterThan(perDimension.Sum() + 1e-6), "the floor raised at least one dimension");
    }

    [Test]
    public void TheFreeBitsLossPassesTheGradientCheck()
    {
        var device = Device.Open("host");
        using var model = new VaeModel<double>(Small, device, seed: 7);
        using var x = Tensor<double>.Uniform(Shape.Matrix(4, 10), 8, device: device);
        using var eps = Tensor<double>.Normal(Shape.Matrix(4, 4), 9, device: device);
        double[] sorted = DimensionKl(model, x).Order().ToArray();
        // The floor halfway between two dimensions' KLs: far from both kinks of max(Bλ, KLⱼ).
        double lambda = (sorted[1] + sorted[2]) / 2 / 4;
        var result = GradCheck.CheckModule(model, () => model.NegativeElbo(Var<double>.Constant(x), eps, new KlRegularization<double>(null, lambda)).Loss);
        Assert.That(result.Passed, Is.True, result.ToString());
    }

    [Test]
    public void TheWarmUpWeightIsRefilledBetweenReplays()
    {
        var device = Device.Open("host");
        var options = Small with { Beta = 1.0 };
        using var model = new VaeModel<double>(options, device, seed: 11);
        using var graph = new ElboGraph<double>(model, device, rows: 3, warmUp: true, freeBits: 0);
        var pixels = TestData.Uniform(12, 3 * 10, 0, 1);
        graph.SetImages(pixels);
        graph.DrawNoise(13, 0);
        foreach (double weight in new[] { 0.25, 0.0, 0.75, 1.0 })
        {
            graph.SetKlWeight(weight);
            var terms = graph.Forward();
            double expected = terms.Reconstruction.Value.Item() + weight * terms.Kl.Value.Item();
            Assert.That(terms.Loss.Value.Item(), Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)), $"weight {weight}");
        }
        Assert.That(() => new ElboGraph<double>(model, device, 3).SetKlWeight(0.5), Throws.InvalidOperationException);
    }

    [Test]
    public void TheWarmUpWeightRisesLinearlyToBetaOverTheGivenEpochs()
    {
        var data = TrainingData.First(1000, 100);
        using var trainer = new Trainer(Small with { InputSize = 784 }, new TrainOptions { KlWarmupEpochs = 2, BatchSize = 100, Limit = 1000 }, data, Device.Open("host"));
        // 10 steps an epoch, 20 of warm-up: β · step / 20.
        Assert.That(trainer.KlWeight(1, 1000), Is.EqualTo(1.5 / 20).Within(1e-15));
        Assert.That(trainer.KlWeight(10, 1000), Is.EqualTo(1.5 * 10 / 20).Within(1e-15));
        Assert.That(trainer.KlWeight(20, 1000), Is.EqualTo(1.5));
        Assert.That(trainer.KlWeight(500, 1000), Is.EqualTo(1.5));
        using var plain = new Trainer(Small with { InputSize = 784 }, new TrainOptions { BatchSize = 100, Limit = 1000 }, data, Device.Open("host"));
        Assert.That(plain.KlWeight(1, 1000), Is.EqualTo(1.5));
    }

    [Test]
    public void TheFlagsAreSavedKeptOnResumeAndRefusedOutOfRange()
    {
        using var folder = new TemporaryFolder();
        string run = folder["run"];
        string[] small = ["--limit", "256", "--batch", "64", "--hidden", "16", "--latent", "6", "--device", "host", "--no-images"];
        var train = Cli.Run(["train", "--epochs", "1", "--kl-warmup", "2", "--free-bits", "0.5", "--out", run, .. small]);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        var info = Checkpoint.ReadInfo(run);
        Assert.That((info.Training.KlWarmupEpochs, info.Training.FreeBits), Is.EqualTo((2, 0.5)));
        var resume = Cli.Run(["train", "--epochs", "2", "--resume", "--out", run, .. small]);
        Assert.That(resume.ExitCode, Is.EqualTo(0), resume.ToString());
        info = Checkpoint.ReadInfo(run);
        Assert.That((info.Epoch, info.Training.KlWarmupEpochs, info.Training.FreeBits), Is.EqualTo((2, 2, 0.5)));
        foreach (var bad in new[] { new[] { "--kl-warmup", "-1" }, ["--free-bits", "-0.5"], ["--free-bits", "NaN"] })
        {
            var refused = Cli.Run(["train", "--out", folder["refused"], .. bad, .. small]);
            Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
            Assert.That(refused.Error, Does.Contain(bad[0]));
        }
    }

    [Test]
    public void EvalCountsTheActiveUnitsFromTheVarianceOfTheEncodersMeans()
    {
        using var folder = new TemporaryFolder();
        string run = folder["run"];
        var train = Cli.Run("train", "--epochs", "2", "--limit", "512", "--batch", "64", "--hidden", "32", "--latent", "8", "--device", "host", "--no-images", "--out", run);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        var eval = Cli.Run("eval", "--checkpoint", run, "--iw-samples", "2", "--device", "host");
        Assert.That(eval.ExitCode, Is.EqualTo(0), eval.ToString());
        var line = eval.Output.Split('\n').Single(l => l.StartsWith("active_units ", StringComparison.Ordinal));

        // Independently: μ(x) of every test image, one image at a time, and the variance of each dimension.
        var info = Checkpoint.ReadInfo(run);
        var data = TrainingData.First(512, 512);
        using var model = new VaeModel<float>(info.Model, Device.Open("host"), Checkpoint.ReadWeights(run, info));
        var codes = new List<float[]>();
        using (var scope = Tape.NoGrad())
            for (int i = 0; i < data.Test.Count; i++)
            {
                using var x = Tensor<float>.FromArray(data.Test.Image(i).ToArray(), Shape.Matrix(1, 784), model.Device);
                codes.Add(model.Encode(Var<float>.Constant(x)).Mu.Value.ToArray());
                scope.Reset();
            }
        int active = Enumerable.Range(0, 8).Count(u =>
        {
            double mean = codes.Average(c => (double)c[u]);
            return codes.Average(c => (c[u] - mean) * (c[u] - mean)) > 0.01;
        });
        Assert.That(line, Does.StartWith($"active_units {active} of 8"), eval.Output);
    }
}
