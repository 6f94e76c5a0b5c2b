using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The convolutional VAE: PyTorch's parameter names and shapes, its gradients in float64, host and the GPU kernels (on
/// ilgpu-cpu) agreeing step by step, and every verb on a convolutional checkpoint trained through the command line.
/// </summary>
[TestFixture]
public class ConvolutionalVaeTests
{
    private static readonly VaeOptions Conv = new() { Architecture = Architecture.Conv };

    [Test]
    public void ParametersAreNamedAndShapedAsThePyTorchModel()
    {
        using var model = new VaeModel<float>(Conv, Device.Open("host"), seed: 1);
        var expected = new (string Name, int[] Shape)[]
        {
            ("encoder.conv.0.weight", [32, 1, 4, 4]), ("encoder.conv.0.bias", [32]),
            ("encoder.conv.1.weight", [64, 32, 4, 4]), ("encoder.conv.1.bias", [64]),
            ("encoder.hidden.0.weight", [400, 3136]), ("encoder.hidden.0.bias", [400]),
            ("encoder.mu.weight", [20, 400]), ("encoder.mu.bias", [20]),
            ("encoder.logvar.weight", [20, 400]), ("encoder.logvar.bias", [20]),
            ("decoder.hidden.0.weight", [400, 20]), ("decoder.hidden.0.bias", [400]),
            ("decoder.hidden.1.weight", [3136, 400]), ("decoder.hidden.1.bias", [3136]),
            ("decoder.deconv.0.weight", [64, 32, 4, 4]), ("decoder.deconv.0.bias", [32]),
            ("decoder.deconv.1.weight", [32, 1, 4, 4]), ("decoder.deconv.1.bias", [1]),
        };
        Assert.That(model.NamedParameters().Select(p => (p.Name, p.Parameter.Shape.ToArray())), Is.EqualTo(expected));
        Assert.That(model.ParameterCount, Is.EqualTo(Conv.ParameterCount));
        Assert.That(Conv.ParameterCount, Is.EqualTo(expected.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b))));
        Assert.That(Conv.Describe(), Is.EqualTo("conv 28×28-400-20"));
        Assert.That(() => (Conv with { InputSize = 780 }).Validate(), Throws.ArgumentException.With.Message.Contain("multiple of 4"));
        Assert.That(() => (Conv with { HiddenSizes = [400, 200] }).Validate(), Throws.ArgumentException.With.Message.Contain("exactly one hidden linear layer"));
    }

    [TestCaseSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
    public void TheNegativeElboPassesTheGradientCheck(string deviceName)
    {
        var device = AutogradDevices.OpenOrIgnore(deviceName);
        var options = new VaeOptions { Architecture = Architecture.Conv, InputSize = 64, HiddenSizes = [5], LatentSize = 2 };
        using var model = new VaeModel<double>(options, device, seed: 2);
        using var x = Tensor<double>.Uniform(Shape.Matrix(2, 64), 3, device: device);
        using var eps = Tensor<double>.Normal(Shape.Matrix(2, 2), 4, device: device);
        // About 70,000 weights: random projections ⟨u, J v⟩ over all of them, each against central differences.
        var result = GradCheck.CheckModule(model, () => model.NegativeElbo(Var<double>.Constant(x), eps).Loss,
            new GradCheckOptions { Mode = GradCheckMode.RandomProjection, Projections = 6 });
        Assert.That(result.Passed, Is.True, result.ToString());
    }

    [Test]
    public void HostAndTheGpuKernelsAgreeOnTheFirstTenStepLosses()
    {
        var ilgpu = AutogradDevices.OpenOrIgnore("ilgpu-cpu");
        var host = Device.Open("host");
        var options = new VaeOptions { Architecture = Architecture.Conv, InputSize = 144, HiddenSizes = [32], LatentSize = 4 };
        var onHost = StepLosses(options, host);
        var onIlgpu = StepLosses(options, ilgpu);
        // The bar: 1e-4 relative at every step (the GEMM-based host and the direct GPU kernels add in other orders).
        double worst = 0;
        for (int step = 0; step < onHost.Length; step++)
        {
            double relative = Math.Abs(onIlgpu[step] - onHost[step]) / Math.Abs(onHost[step]);
            worst = Math.Max(worst, relative);
            Assert.That(relative, Is.LessThanOrEqualTo(1e-4), $"step {step}: host {onHost[step]}, ilgpu-cpu {onIlgpu[step]}");
        }
        TestContext.Progress.WriteLine($"conv VAE, 10 Adam steps: host and ilgpu-cpu losses agree to {worst:G3} relative (host {onHost[0]:F4} → {onHost[^1]:F4})");
        Assert.That(onHost[^1], Is.LessThan(onHost[0]), "Adam lowers the loss");
    }

    // Ten Adam steps on 12 × 12 images (8 per batch) from the same weights, data and noise.
    private static double[] StepLosses(VaeOptions options, Device device)
    {
        using var model = new VaeModel<float>(options, device, seed: 11);
        var adam = new Adam<float>(model.NamedParameters(), learningRate: 1e-3);
        using var images = Tensor<float>.Uniform(Shape.Matrix(8, options.InputSize), 12, device: device);
        var losses = new double[10];
        for (int step = 0; step < losses.Length; step++)
        {
            using var tape = new Tape();
            var terms = model.NegativeElbo(Var<float>.Constant(images), seed: 13, counterOffset: (ulong)step << 20);
            losses[step] = terms.Loss.Value.ToArray()[0];
            terms.Loss.Backward();
            adam.Step();
            adam.ZeroGradients();
        }
        return losses;
    }

    [Test]
    public void EveryVerbWorksOnAConvolutionalCheckpoint()
    {
        using var folder = new TemporaryFolder();
        string checkpoint = folder["conv"];
        var train = Cli.Run("train", "--architecture", "conv", "--epochs", "1", "--limit", "128", "--hidden", "16", "--latent", "2", "--batch", "64", "--device", "host", "--out", checkpoint);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        Assert.That(train.Output, Does.Contain("model conv 28×28-16-2 relu bernoulli"));
        var info = Checkpoint.ReadInfo(checkpoint);
        Assert.That(info.Model.Architecture, Is.EqualTo(Architecture.Conv));
        Assert.That(File.ReadAllText(Path.Combine(checkpoint, "config.json")), Does.Contain("\"architecture\": \"Conv\""));

        var eval = Cli.Run("eval", "--checkpoint", checkpoint, "--device", "host", "--iw-samples", "10", "--limit", "128");
        Assert.That(eval.ExitCode, Is.EqualTo(0), eval.ToString());
        Assert.That(eval.Value("test_loss"), Is.EqualTo(Checkpoint.ReadMetrics(checkpoint)[^1].TestLoss).Within(5e-5));
        Assert.That(eval.Value("iw_log_likelihood"), Is.GreaterThan(-eval.Value("test_loss")).And.LessThan(0));

        foreach (var verb in new[] { "sample", "reconstruct", "interpolate", "manifold", "latent-scatter" })
        {
            string picture = folder[verb + ".png"];
            var result = Cli.Run(verb, "--checkpoint", checkpoint, "--device", "host", "--out", picture);
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{verb}: {result}");
            Assert.That(result.Output, Does.Contain("model conv 28×28-16-2"), verb);
            Assert.That(PngFile.Read(picture).Width, Is.GreaterThan(28), verb);
        }

        var gradcheck = Cli.Run("gradcheck", "--architecture", "conv", "--device", "host");
        Assert.That(gradcheck.ExitCode, Is.EqualTo(0), gradcheck.ToString());
        Assert.That(gradcheck.Output, Does.Contain("gradcheck: model conv 8×8-5-2").And.Contain("gradcheck passed"));

        var resumeAsMlp = Cli.Run("train", "--resume", "--architecture", "mlp", "--epochs", "2", "--device", "host", "--out", checkpoint);
        Assert.That(resumeAsMlp.ExitCode, Is.EqualTo(2), resumeAsMlp.ToString());
        Assert.That(resumeAsMlp.Error, Does.Contain("--architecture contradicts the architecture of the checkpoint").And.Contain("conv 28×28-16-2"));
        var resumed = Cli.Run("train", "--resume", "--epochs", "2", "--device", "host", "--out", checkpoint, "--limit", "128", "--no-images");
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(Checkpoint.ReadMetrics(checkpoint), Has.Count.EqualTo(2));
    }

    [Test]
    public void ACheckpointLoadsIntoThePyTorchModelAndComputesTheSame()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || Run(python, "-c \"import torch\"").ExitCode != 0)
            Assert.Ignore("Debian's python3-torch is not installed (apt-get install python3-torch); the PyTorch side cannot run.");
        using var folder = new TemporaryFolder();
        string checkpoint = folder["conv"];
        var train = Cli.Run("train", "--architecture", "conv", "--epochs", "1", "--limit", "128", "--hidden", "16", "--latent", "3", "--batch", "64", "--device", "host", "--out", checkpoint, "--no-images");
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        string script = Path.Combine(ScratchVae.Tests.Docs.RepositoryRoot.Path, "bench", "peers", "conv_checkpoint_in_pytorch.py");
        string json = folder["torch.json"];
        var torch = Run(python, $"\"{script}\" --checkpoint \"{checkpoint}\" --out \"{json}\" --count 4");
        Assert.That(torch.ExitCode, Is.EqualTo(0), torch.Output);

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        double[] Values(string name) => document.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var info = Checkpoint.ReadInfo(checkpoint);
        var device = Device.Open("host");
        using var model = new VaeModel<float>(info.Model, device, Checkpoint.ReadWeights(checkpoint, info));
        using var x = Tensor<float>.FromArray(Values("x").Select(v => (float)v).ToArray(), Shape.Matrix(4, 784), device);
        using var scope = Tape.NoGrad();
        var (mu, logVar) = model.Encode(Var<float>.Constant(x));
        var logits = model.Decode(mu);
        // PyTorch runs in float64 on the same float32 weights; ScratchVae in float32: the outputs agree to float rounding.
        foreach (var (name, ours) in new[] { ("mu", mu), ("logvar", logVar), ("logits", logits) })
        {
            var theirs = Values(name);
            var values = ours.Value.ToArray();
            double scale = Math.Max(1, theirs.Max(Math.Abs));
            Assert.That(values, Has.Length.EqualTo(theirs.Length), name);
            for (int i = 0; i < values.Length; i++) Assert.That(values[i], Is.EqualTo(theirs[i]).Within(1e-5 * scale), $"{name}[{i}]");
        }
    }

    private static (int ExitCode, string Output) Run(string program, string arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    [Test]
    public void ConvolutionalShapesThatDoNotFitAreRefusedNamingTheFlag()
    {
        using var folder = new TemporaryFolder();
        var twoHidden = Cli.Run("train", "--architecture", "conv", "--hidden", "64,32", "--epochs", "1", "--limit", "64", "--device", "host", "--out", folder["a"]);
        Assert.That(twoHidden.ExitCode, Is.EqualTo(2), twoHidden.ToString());
        Assert.That(twoHidden.Error, Does.Contain("--architecture conv has one hidden linear layer, so --hidden takes one width"));
        var oddPixels = Cli.Run("gradcheck", "--architecture", "conv", "--pixels", "50");
        Assert.That(oddPixels.ExitCode, Is.EqualTo(2), oddPixels.ToString());
        Assert.That(oddPixels.Error, Does.Contain("--architecture conv needs square images whose side is a multiple of 4 (28 × 28), not 50 pixels"));
        var unknown = Cli.Run("train", "--architecture", "resnet", "--epochs", "1", "--device", "host", "--out", folder["b"]);
        Assert.That(unknown.ExitCode, Is.EqualTo(2), unknown.ToString());
        Assert.That(unknown.Error, Does.Contain("--architecture").And.Contain("resnet"));
    }
}
