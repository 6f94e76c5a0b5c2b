using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// PyTorch itself on ScratchVae's files, where Debian's python3-torch is installed: examples/python/load_in_pytorch.py
/// loads a checkpoint into PyTorch examples/vae's VAE and reconstructs as ScratchVae does; the file it saves from that
/// model imports back exactly; the README's Python snippet runs as written.
/// </summary>
[TestFixture]
public class PyTorchBothWaysTests
{
    private const string Python = "/usr/bin/python3";

    private static readonly string Script = Path.Combine(ScratchVae.Tests.Docs.RepositoryRoot.Path, "examples", "python", "load_in_pytorch.py");

    private static void RequireTorch()
    {
        if (!File.Exists(Python) || Run(Python, ["-c", "import torch"]).ExitCode != 0)
            Assert.Ignore("Debian's python3-torch is not installed (apt-get install python3-torch); the PyTorch side cannot run.");
    }

    private static (int ExitCode, string Output, string Error) Run(string program, IEnumerable<string> arguments, string? directory = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory ?? "" };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    private static string Train(TemporaryFolder folder, string name)
    {
        string checkpoint = folder[name];
        var train = Cli.Run("train", "--epochs", "1", "--limit", "256", "--hidden", "24", "--latent", "4", "--batch", "64", "--device", "host", "--out", checkpoint, "--no-images");
        Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
        return checkpoint;
    }

    [Test]
    public void ExamplesVaeInPyTorchReconstructsAsScratchVaeAndItsSavedFileImportsBackExactly()
    {
        RequireTorch();
        using var folder = new TemporaryFolder();
        string checkpoint = Train(folder, "run");
        var reconstruct = Cli.Run("reconstruct", "--checkpoint", checkpoint, "--device", "host", "--count", "16", "--out", folder["recon.png"], "--values", folder["recon.safetensors"]);
        Assert.That(reconstruct.ExitCode, Is.EqualTo(0), reconstruct.ToString());

        var torch = Run(Python, [Script, "--checkpoint", checkpoint, "--values", folder["recon.safetensors"], "--count", "16", "--save", folder["torch.safetensors"]]);
        Assert.That(torch.ExitCode, Is.EqualTo(0), torch.Output + torch.Error);
        Assert.That(torch.Output, Does.Contain("examples/vae VAE 784-24-4").And.Contain("reconstructed 16 test images").And.Contain("agree within 1e-05"));
        var differences = Regex.Matches(torch.Output, @"max_abs_difference (\w+) (\S+)").ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.That(differences.Keys, Is.EquivalentTo(new[] { "x", "mu", "reconstruction" }));
        Assert.That(differences["x"], Is.EqualTo(0), "the script reads the same test images");
        Assert.That(differences["mu"], Is.LessThan(1e-5));
        Assert.That(differences["reconstruction"], Is.LessThan(1e-5), "float32 rounding");
        TestContext.Out.WriteLine(torch.Output);

        // What PyTorch saved (its state_dict: fc1 … fc4, no metadata) imports to the same model.
        var import = Cli.Run("import", "--weights", folder["torch.safetensors"], "--out", folder["imported"]);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        Assert.That(import.Output, Does.Contain("examples/vae's names, 10 tensors").And.Contain("model 784-24-4"));
        string[] evalArgs = ["--device", "host", "--iw-samples", "10", "--limit", "256", "--batch", "64", "--seed", "1"];
        var before = Cli.Run(["eval", "--checkpoint", checkpoint, .. evalArgs]);
        var after = Cli.Run(["eval", "--checkpoint", folder["imported"], .. evalArgs]);
        Assert.That(after.Value("test_loss"), Is.EqualTo(before.Value("test_loss")));
        Assert.That(after.Value("iw_log_likelihood"), Is.EqualTo(before.Value("iw_log_likelihood")));

        // A checkpoint that is not examples/vae's shape is refused by name.
        string deep = folder["deep"];
        Assert.That(Cli.Run("train", "--epochs", "1", "--limit", "64", "--hidden", "8,8", "--latent", "2", "--device", "host", "--out", deep, "--no-images").ExitCode, Is.EqualTo(0));
        var refused = Run(Python, [Script, "--checkpoint", deep]);
        Assert.That(refused.ExitCode, Is.Not.EqualTo(0));
        Assert.That(refused.Error, Does.Contain("encoder.hidden.1.").And.Contain("has no place in examples/vae's VAE"));
    }

    [Test]
    public void TheReadmePythonSnippetRunsAsWritten()
    {
        RequireTorch();
        string readme = File.ReadAllText(Path.Combine(ScratchVae.Tests.Docs.RepositoryRoot.Path, "README.md"));
        // The PyTorch snippet; the README's other Python (the ONNX section's) needs onnxruntime, which Debian lacks.
        var blocks = Regex.Matches(readme, "```python\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)
            .Where(block => block.Contains("import torch", StringComparison.Ordinal)).ToList();
        Assert.That(blocks, Has.Count.EqualTo(1), "the README's PyTorch snippets");
        string snippet = blocks[0];
        Assert.That(snippet, Does.Contain("runs/mnist/model.safetensors"));

        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder["runs"]);
        Train(folder, Path.Combine("runs", "mnist"));
        File.WriteAllText(folder["snippet.py"], snippet);
        // The snippet uses the safetensors package's load_file; where it is not installed (Debian has no package of
        // it), a stand-in of the same function, the script's own reader, takes its place.
        var environment = new Dictionary<string, string>();
        if (Run(Python, ["-c", "import safetensors.torch"]).ExitCode != 0)
        {
            string shim = folder["shim"];
            Directory.CreateDirectory(Path.Combine(shim, "safetensors"));
            File.WriteAllText(Path.Combine(shim, "safetensors", "__init__.py"), "");
            File.WriteAllText(Path.Combine(shim, "safetensors", "torch.py"), "from load_in_pytorch import read_safetensors\n\n\ndef load_file(path):\n    return read_safetensors(path)[0]\n");
            environment["PYTHONPATH"] = shim + Path.PathSeparator + Path.GetDirectoryName(Script);
            TestContext.Out.WriteLine("safetensors is not installed: load_file is examples/python/load_in_pytorch.py's reader");
        }
        var result = Run(Python, [folder["snippet.py"]], folder.Path, environment);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output.Trim(), Is.EqualTo("torch.Size([1, 4]) torch.Size([1, 784])"));
    }

    [Test]
    public void TheScriptIsDocumentedWhereItLives()
    {
        // Runs without torch: the script's usage names both commands, and the name map is the one import uses.
        string text = File.ReadAllText(Script);
        Assert.That(text, Does.Contain("scratchvae reconstruct --checkpoint runs/mnist --out recon.png --count 16 --values recon.safetensors"));
        foreach (var (examples, scratch) in WeightImport.ExamplesVaeNames)
            Assert.That(text, Does.Contain($"\"{scratch}\": \"{examples}\""), scratch);
    }
}
