using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Inference;

namespace ScratchVae.Tests.Docs;

/// <summary>The README's C# inference snippet is the compiled <see cref="ReadmeSnippets.Inference"/>, and it gives the model's numbers.</summary>
[TestFixture]
public class ReadmeSnippetTests
{
    private TemporaryFolder _folder = null!;

    [OneTimeSetUp]
    public void Train()
    {
        _folder = new TemporaryFolder();
        var trained = Cli.Run("train", "--limit", "256", "--hidden", "32", "--latent", "3", "--batch", "64", "--epochs", "1", "--device", "host", "--no-images", "--out", _folder["model"]);
        Assert.That(trained.ExitCode, Is.Zero, trained.ToString());
    }

    [OneTimeTearDown]
    public void Remove() => _folder.Dispose();

    [Test]
    public void TheReadmeShowsTheCompiledSnippetWordForWord()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        string source = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "Docs", "ReadmeSnippets.cs"));
        string Region(string text, string begin, string end)
        {
            int from = text.IndexOf(begin, StringComparison.Ordinal);
            Assert.That(from, Is.GreaterThanOrEqualTo(0), $"no '{begin}'");
            from = text.IndexOf('\n', from + begin.Length) + 1;
            int to = text.IndexOf(end, from, StringComparison.Ordinal);
            Assert.That(to, Is.GreaterThan(from), $"no '{end}' after '{begin}'");
            return text[from..to];
        }
        // The README's block follows its marker comment; the source's lines are indented by 8 spaces.
        string shown = Region(readme, "<!-- README inference snippet: tests/Docs/ReadmeSnippets.cs -->\n```csharp", "```");
        var lines = Region(source, "// README inference: begin", "// README inference: end").Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.TrimStart());
        Assert.That(shown.TrimEnd(), Is.EqualTo(string.Join('\n', lines).TrimEnd()));
    }

    [Test]
    public void TheSnippetRunsAndGivesTheModelsOwnNumbers()
    {
        string folder = _folder["model"];
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var (mu, reconstructions, samples) = ReadmeSnippets.Inference(folder, output);
        Assert.That(mu, Has.Length.EqualTo(4 * 3));
        Assert.That(reconstructions, Has.Length.EqualTo(4 * 784));
        Assert.That(samples, Has.Length.EqualTo(16 * 784));
        Assert.That(output.ToString(), Does.StartWith("784-32-3: mu[0] = "));

        // The same numbers through the model's own graph.
        var info = Checkpoint.ReadInfo(folder);
        using var model = Checkpoint.LoadModel(folder, info, Device.Host);
        var test = DataSources.Load("mnist").Test;
        using var scope = Tape.NoGrad();
        using var x = Tensor<float>.FromArray(test.Pixels.AsSpan(0, 4 * 784), Shape.Matrix(4, 784), Device.Host);
        var (expectedMu, _) = model.Encode(Var<float>.Constant(x));
        Assert.That(mu, Is.EqualTo(expectedMu.Value.ToArray()));
        Assert.That(reconstructions, Is.EqualTo(model.DecodeMeans(expectedMu).Value.ToArray()));
        using var z = Tensor<float>.Normal(new Shape(16, 3), 7, device: Device.Host);
        Assert.That(samples, Is.EqualTo(model.DecodeMeans(Var<float>.Constant(z)).Value.ToArray()));
    }

    [Test]
    public void TrainedVaeRefusesArraysOfTheWrongSizeByName()
    {
        using var vae = TrainedVae.Load(_folder["model"]);
        Assert.That(() => vae.Encode(new float[785]), Throws.ArgumentException.With.Message.StartsWith("images has 785 values, not a positive multiple of the model's 784 pixels per image."));
        Assert.That(() => vae.Decode(new float[4]), Throws.ArgumentException.With.Message.StartsWith("z has 4 values, not a positive multiple of the model's 3 latent values per row."));
        Assert.That(() => vae.Sample(0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => TrainedVae.Load(_folder["absent"]), Throws.InstanceOf<CheckpointException>().With.Message.Contains(_folder["absent"]));
    }

    [Test]
    public void ReconstructIsDecodeOfTheMean()
    {
        using var vae = TrainedVae.Load(_folder["model"]);
        var images = DataSources.Load("mnist").Test.Pixels[..(2 * 784)];
        Assert.That(vae.Reconstruct(images), Is.EqualTo(vae.Decode(vae.Encode(images).Mu)));
    }
}
