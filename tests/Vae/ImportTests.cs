using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// <c>scratchvae import</c>: weights as PyTorch saves them (examples/vae's fc1 … fc4, no <c>__metadata__</c>, no
/// config.json) become a checkpoint that computes exactly what the original did; layouts that fit nothing are named.
/// </summary>
[TestFixture]
public class ImportTests
{
    private readonly Device _host = Device.Open("host");

    private static string TrainSmall(TemporaryFolder folder, string name, string hidden = "16", string latent = "3")
    {
        string checkpoint = folder[name];
        var train = Cli.Run("train", "--epochs", "1", "--limit", "128", "--hidden", hidden, "--latent", latent, "--batch", "64", "--device", "host", "--out", checkpoint, "--no-images");
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        return checkpoint;
    }

    // A state dict under examples/vae's names, as PyTorch's VAE().state_dict() would hold it.
    private static StateDict ToExamplesVae(StateDict weights)
    {
        var renamed = new StateDict();
        foreach (var tensor in weights)
        {
            var (examples, scratch) = WeightImport.ExamplesVaeNames.Single(pair => tensor.Name.StartsWith(pair.ScratchVae + ".", StringComparison.Ordinal));
            renamed.Add(tensor with { Name = examples + tensor.Name[scratch.Length..] });
        }
        return renamed;
    }

    private static string WriteWithoutMetadata(string path, StateDict weights)
    {
        SafeTensorsFile.Write(path, [.. weights]);
        Assert.That(File.ReadAllText(path), Does.Not.Contain("__metadata__"));
        return path;
    }

    [Test]
    public void AnExamplesVaeFileImportsToTheSameTestLossAndTheSameDecodeBitForBit()
    {
        using var folder = new TemporaryFolder();
        string original = TrainSmall(folder, "original");
        var originalInfo = Checkpoint.ReadInfo(original);
        string file = WriteWithoutMetadata(folder["vae.safetensors"], ToExamplesVae(Checkpoint.ReadWeights(original, originalInfo)));
        Assert.That(StateDict.Load(file).Names.Order(), Is.EqualTo(new[] { "fc1.bias", "fc1.weight", "fc21.bias", "fc21.weight", "fc22.bias", "fc22.weight", "fc3.bias", "fc3.weight", "fc4.bias", "fc4.weight" }));

        // Today's readers refuse such a file as a checkpoint (it carries no step): import is the way in.
        string imported = folder["imported"];
        var import = Cli.Run("import", "--weights", file, "--out", imported);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        Assert.That(import.Output, Does.Contain("examples/vae's names, 10 tensors, 26054 parameters").And.Contain("model 784-16-3 relu bernoulli, data mnist"));
        var info = Checkpoint.ReadInfo(imported);
        Assert.That((info.Epoch, info.Step, info.Model.InputSize, info.Model.LatentSize), Is.EqualTo((0, 0, 784, 3)));
        Assert.That(info.Model.HiddenSizes, Is.EqualTo(new[] { 16 }));
        Assert.That(Checkpoint.ReadMetrics(imported), Is.Empty);
        Assert.That(Directory.GetDirectories(folder.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "original", "imported" }), "no staging folder is left");

        string[] evalArgs = ["--device", "host", "--iw-samples", "20", "--limit", "128", "--batch", "64", "--seed", "1"];
        var before = Cli.Run(["eval", "--checkpoint", original, .. evalArgs]);
        var after = Cli.Run(["eval", "--checkpoint", imported, .. evalArgs]);
        Assert.That(after.ExitCode, Is.EqualTo(0), after.ToString());
        Assert.That(after.Value("test_loss"), Is.EqualTo(before.Value("test_loss")));
        Assert.That(after.Value("test_loss"), Is.EqualTo(Checkpoint.ReadMetrics(original)[^1].TestLoss).Within(5e-5));
        static string[] Figures(CliResult eval) => eval.Output.Split('\n').Skip(1).Where(line => line.Length > 0).Select(line => line.Split(" seconds ")[0]).ToArray();
        Assert.That(Figures(after), Is.EqualTo(Figures(before)), "every figure of eval (test loss, active units, importance-weighted bound) is the same");

        using var a = Checkpoint.LoadModel(original, originalInfo, _host);
        using var b = Checkpoint.LoadModel(imported, info, _host);
        using var scope = Tape.NoGrad();
        using var z = Tensor<float>.Normal(new Shape(32, 3), seed: 7, device: _host);
        Assert.That(b.Decode(Var<float>.Constant(z)).Value.ToArray(), Is.EqualTo(a.Decode(Var<float>.Constant(z)).Value.ToArray()), "decode bit for bit");

        // Every verb reads it, and training continues from it.
        foreach (var verb in new[] { "sample", "reconstruct", "interpolate", "manifold", "latent-scatter" })
        {
            var result = Cli.Run(verb, "--checkpoint", imported, "--device", "host", "--out", folder[verb + ".png"]);
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{verb}: {result}");
        }
        var resumed = Cli.Run("train", "--resume", "--epochs", "1", "--limit", "128", "--device", "host", "--out", imported, "--no-images");
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(Checkpoint.ReadMetrics(imported), Has.Count.EqualTo(1));
    }

    [Test]
    public void ReconstructValuesAreTheSameForTheImportedCheckpoint()
    {
        using var folder = new TemporaryFolder();
        string original = TrainSmall(folder, "original");
        string file = WriteWithoutMetadata(folder["vae.safetensors"], ToExamplesVae(Checkpoint.ReadWeights(original, Checkpoint.ReadInfo(original))));
        Assert.That(Cli.Run("import", "--weights", file, "--out", folder["imported"]).ExitCode, Is.EqualTo(0));
        var tensors = new Dictionary<string, StateDict>();
        foreach (var name in new[] { "original", "imported" })
        {
            var result = Cli.Run("reconstruct", "--checkpoint", folder[name], "--device", "host", "--count", "5", "--out", folder[name + ".png"], "--values", folder[name + ".safetensors"]);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Output, Does.Contain("x [5, 784], mu [5, 3], reconstruction [5, 784] (float32)"));
            tensors[name] = StateDict.Load(folder[name + ".safetensors"]);
        }
        foreach (var name in new[] { "x", "mu", "reconstruction" })
            Assert.That(tensors["imported"][name].Values, Is.EqualTo(tensors["original"][name].Values), name);
        // x is the test set's first images as pixel / 255, the reconstructions means in (0, 1).
        var x = tensors["original"]["x"].Values;
        Assert.That(x.Max(), Is.EqualTo(1.0).Within(1e-7));
        Assert.That(x.All(v => Math.Abs(v * 255 - Math.Round(v * 255)) < 1e-4), Is.True);
        Assert.That(tensors["original"]["reconstruction"].Values, Has.All.GreaterThan(0.0).And.LessThan(1.0));
    }

    [TestCase("400", 20)]
    [TestCase("16", 2)]
    [TestCase("64", 7)]
    [TestCase("32,8", 3)]
    [TestCase("5,6,7", 4)]
    [TestCase("", 2)]
    public void TheArchitectureIsReadFromTheShapes(string hidden, int latent)
    {
        int[] widths = hidden.Length == 0 ? [] : hidden.Split(',').Select(int.Parse).ToArray();
        foreach (int input in new[] { 784, 100 })
        {
            var options = new VaeOptions { InputSize = input, HiddenSizes = widths, LatentSize = latent };
            using var model = new VaeModel<float>(options, _host, seed: 3);
            var weights = model.StateDict();
            Assert.That(WeightImport.ExpectedShapes(options).Select(e => (e.Name, string.Join(",", e.Shape))),
                Is.EqualTo(model.NamedParameters().Select(p => (p.Name, string.Join(",", p.Parameter.Shape.ToArray())))), "the expected layout is the model's");
            var layouts = new List<(StateDict Weights, string Layout)> { (weights, "ScratchVae") };
            if (widths.Length == 1) layouts.Add((ToExamplesVae(weights), "examples/vae"));
            foreach (var (state, layout) in layouts)
            {
                var imported = WeightImport.FromStateDict(state, new VaeOptions { Activation = Activation.Tanh }, "w.safetensors");
                Assert.That(imported.Layout, Is.EqualTo(layout));
                Assert.That((imported.Model.Architecture, imported.Model.InputSize, imported.Model.LatentSize, imported.Model.Activation), Is.EqualTo((Architecture.Mlp, input, latent, Activation.Tanh)), layout);
                Assert.That(imported.Model.HiddenSizes, Is.EqualTo(widths), layout);
                Assert.That(imported.Weights.Names, Is.EqualTo(model.NamedParameters().Select(p => p.Name)), layout);
                Assert.That(imported.Weights["decoder.out.bias"].Values, Is.EqualTo(weights["decoder.out.bias"].Values), layout);
            }
        }
    }

    [TestCase(784, 16, 3)]
    [TestCase(256, 8, 2)]
    public void AConvolutionalModelIsRecognisedByItsNames(int pixels, int hidden, int latent)
    {
        var options = new VaeOptions { Architecture = Architecture.Conv, InputSize = pixels, HiddenSizes = [hidden], LatentSize = latent };
        using var model = new VaeModel<float>(options, _host, seed: 3);
        Assert.That(WeightImport.ExpectedShapes(options).Select(e => (e.Name, string.Join(",", e.Shape))),
            Is.EqualTo(model.NamedParameters().Select(p => (p.Name, string.Join(",", p.Parameter.Shape.ToArray())))));
        var imported = WeightImport.FromStateDict(model.StateDict(), new VaeOptions(), "conv.safetensors");
        Assert.That((imported.Model.Architecture, imported.Model.InputSize, imported.Model.HiddenSizes[0], imported.Model.LatentSize), Is.EqualTo((Architecture.Conv, pixels, hidden, latent)));
        Assert.That(imported.Model.Describe(), Is.EqualTo(options.Describe()));
    }

    [Test]
    public void AConvolutionalCheckpointImportsAndEvaluatesTheSame()
    {
        using var folder = new TemporaryFolder();
        string original = folder["conv"];
        var train = Cli.Run("train", "--architecture", "conv", "--epochs", "1", "--limit", "64", "--hidden", "8", "--latent", "2", "--batch", "64", "--device", "host", "--out", original, "--no-images");
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        string file = WriteWithoutMetadata(folder["conv.safetensors"], Checkpoint.ReadWeights(original, Checkpoint.ReadInfo(original)));
        var import = Cli.Run("import", "--weights", file, "--out", folder["imported"]);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        Assert.That(import.Output, Does.Contain("ScratchVae's names, 18 tensors").And.Contain("model conv 28×28-8-2 relu bernoulli"));
        string[] evalArgs = ["--device", "host", "--iw-samples", "4", "--limit", "64", "--batch", "64", "--seed", "1"];
        Assert.That(Cli.Run(["eval", "--checkpoint", folder["imported"], .. evalArgs]).Value("test_loss"), Is.EqualTo(Cli.Run(["eval", "--checkpoint", original, .. evalArgs]).Value("test_loss")));
    }

    private static StateDict ExamplesVaeWeights(int input = 784, int hidden = 16, int latent = 3)
    {
        using var model = new VaeModel<float>(new VaeOptions { InputSize = input, HiddenSizes = [hidden], LatentSize = latent }, Device.Open("host"), seed: 5);
        return ToExamplesVae(model.StateDict());
    }

    private static CliResult ImportRefused(TemporaryFolder folder, StateDict weights, params string[] expected)
    {
        string file = WriteWithoutMetadata(folder["bad.safetensors"], weights);
        var result = Cli.Run("import", "--weights", file, "--out", folder["out"]);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
        foreach (string text in expected) Assert.That(result.Error, Does.Contain(text));
        Assert.That(Directory.Exists(folder["out"]), Is.False, "nothing is written");
        Assert.That(Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "bad.safetensors" }), "no staging folder is left");
        return result;
    }

    [Test]
    public void LayoutsThatFitNothingAreRefusedNamingTheKeysAndShapes()
    {
        using var folder = new TemporaryFolder();
        var weights = ExamplesVaeWeights();

        var missing = new StateDict(weights.Where(t => t.Name != "fc22.bias"));
        ImportRefused(folder, missing, "bad.safetensors: its tensors fit no layout ScratchVae knows (read with examples/vae's names as a 784-16-3 model): missing fc22.bias [3];");

        var unexpected = new StateDict([.. weights, new NamedTensor("fc5.weight", "F32", [2, 2], new double[4])]);
        ImportRefused(folder, unexpected, "unexpected fc5.weight [2, 2]");

        var mismatched = new StateDict(weights.Select(t => t.Name == "fc3.weight" ? t with { Shape = [16, 4], Values = new double[64] } : t));
        ImportRefused(folder, mismatched, "mismatched shapes: fc3.weight is [16, 4] where [16, 3] belongs");

        // All three at once, in one line.
        var everything = new StateDict([.. weights.Where(t => t.Name != "fc4.bias").Select(t => t.Name == "fc21.weight" ? t with { Shape = [3, 15], Values = new double[45] } : t), new NamedTensor("extra", "F32", [1], [0])]);
        ImportRefused(folder, everything, "missing fc4.bias [784]; unexpected extra [1]; mismatched shapes: fc21.weight is [3, 15] where [3, 16] belongs");

        var unrelated = new StateDict([new NamedTensor("classifier.weight", "F32", [10, 784], new double[7840])]);
        ImportRefused(folder, unrelated, "the latent size cannot be told without encoder.mu.weight or encoder.logvar.weight or decoder.hidden.0.weight; the file holds classifier.weight [10, 784]");

        var infinite = new StateDict(weights.Select(t => t.Name == "fc1.bias" ? t with { Values = [.. t.Values[..^1], double.PositiveInfinity] } : t));
        ImportRefused(folder, infinite, "tensor 'fc1.bias' holds a value that is not a finite float32 at element 15");

        var otherImages = ExamplesVaeWeights(input: 100);
        ImportRefused(folder, otherImages, "mnist: its images have 784 pixels (28×28) but the weights in", "are a model of 100 inputs; name the data set with --data");

        var convFlat = new StateDict([new NamedTensor("encoder.conv.0.weight", "F32", [32, 1, 4, 4], new double[512]), new NamedTensor("encoder.hidden.0.weight", "F32", [8, 1000], new double[8000]), new NamedTensor("encoder.mu.weight", "F32", [2, 8], new double[16])]);
        ImportRefused(folder, convFlat, "its convolutional tensors flatten 1000 features, which is not 64 channels of (S/4) × (S/4) pixels");

        File.WriteAllText(folder["bad.safetensors"], "not a safetensors file");
        var garbage = Cli.Run("import", "--weights", folder["bad.safetensors"], "--out", folder["out"]);
        Assert.That(garbage.ExitCode, Is.EqualTo(1), garbage.ToString());
        Assert.That(garbage.Error, Does.StartWith($"scratchvae: {folder["bad.safetensors"]}: "));
        Assert.That(Directory.Exists(folder["out"]), Is.False);
    }

    [Test]
    public void AnOutFolderThatHoldsAnythingIsLeftAlone()
    {
        using var folder = new TemporaryFolder();
        string file = WriteWithoutMetadata(folder["vae.safetensors"], ExamplesVaeWeights());
        string existing = folder["existing"];
        Directory.CreateDirectory(existing);
        File.WriteAllText(Path.Combine(existing, "notes.txt"), "mine");
        var refused = Cli.Run("import", "--weights", file, "--out", existing);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.Error, Does.Contain($"import: {existing} exists and is not empty"));
        Assert.That(Directory.GetFileSystemEntries(existing).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
        Assert.That(File.ReadAllText(Path.Combine(existing, "notes.txt")), Is.EqualTo("mine"));

        string empty = folder["empty"];
        Directory.CreateDirectory(empty);
        var accepted = Cli.Run("import", "--weights", file, "--out", empty, "--activation", "elu", "--likelihood", "gaussian", "--variance", "0.5");
        Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.ToString());
        var info = Checkpoint.ReadInfo(empty);
        Assert.That((info.Model.Activation, info.Model.Likelihood, info.Model.GaussianVariance), Is.EqualTo((Activation.Elu, Likelihood.Gaussian, 0.5)));

        var missingFile = Cli.Run("import", "--weights", folder["absent.safetensors"], "--out", folder["new"]);
        Assert.That(missingFile.ExitCode, Is.EqualTo(1), missingFile.ToString());
        Assert.That(missingFile.Error, Does.Contain("absent.safetensors: no such file"));
        var noWeights = Cli.Run("import", "--out", folder["new"]);
        Assert.That(noWeights.ExitCode, Is.EqualTo(2), noWeights.ToString());
        Assert.That(noWeights.Error, Does.Contain("import: --weights is required"));
    }

    [Test]
    public void ACheckpointWhoseWeightsLostTheirStepIsStillRefused()
    {
        // import takes files without a step stamp; a checkpoint folder does not: its set must be one save.
        using var folder = new TemporaryFolder();
        string checkpoint = TrainSmall(folder, "run");
        string set = CheckpointStore.Resolve(checkpoint);
        var weights = StateDict.Load(Path.Combine(set, Checkpoint.ModelFile));
        WriteWithoutMetadata(Path.Combine(set, Checkpoint.ModelFile), weights);
        var eval = Cli.Run("eval", "--checkpoint", checkpoint, "--device", "host", "--iw-samples", "2", "--limit", "64");
        Assert.That(eval.ExitCode, Is.EqualTo(1), eval.ToString());
        Assert.That(eval.Error, Does.Contain("it was written at step ? but config.json says step 2 (an interrupted save?)"));
    }
}
