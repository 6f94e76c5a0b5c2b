using ScratchVae.Tensors;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae import --weights FILE.safetensors --out DIR</c>: turns weights written by another program (PyTorch's
/// <c>safetensors.torch.save_file(vae.state_dict(), …)</c>, with examples/vae's names fc1 … fc4 or ScratchVae's own) into
/// a checkpoint folder that every verb reads, the architecture inferred from the shapes (<see cref="WeightImport"/>).
/// The folder is written beside --out and renamed into place once complete, so a failed import leaves nothing.
/// </summary>
public static class ImportCommand
{
    private static Flag Model(string name) => TrainCommand.ModelFlags.Single(flag => flag.Name == name);

    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("import",
        "makes a checkpoint folder of a safetensors file of VAE weights written by PyTorch (examples/vae's fc1 … fc4, or ScratchVae's names), the architecture read from the shapes",
        [
            Flag.Path("weights", "the safetensors file to import (safetensors.torch.save_file of the model's state_dict)", placeholder: "FILE.safetensors") with { Required = true },
            Flag.Path("out", "the checkpoint folder to write; it must not exist or be empty") with { Required = true },
            CommonFlags.TrainingData with { Help = "the data set the model reads (checked against its input size): mnist, fashion-mnist or a folder of IDX files" },
            Model("likelihood"),
            Model("variance"),
            Model("beta"),
            Model("activation"),
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string weightsFile = flags.Required("weights");
        string output = flags.Required("out");
        if (string.IsNullOrWhiteSpace(output)) throw new UsageException("import: --out needs a folder name.");
        string dataName = flags.String("data");
        var settings = new VaeOptions
        {
            Likelihood = flags.Choice("likelihood") == "gaussian" ? Likelihood.Gaussian : Likelihood.Bernoulli,
            GaussianVariance = flags.Double("variance"),
            Beta = flags.Double("beta"),
            Activation = flags.Choice("activation") switch { "tanh" => Activation.Tanh, "elu" => Activation.Elu, _ => Activation.Relu },
        };
        // Refuse an --out that holds anything before reading a byte, so nothing of a user's is replaced.
        if (File.Exists(output)) throw new IOException($"import: {output} is a file; import writes a new checkpoint folder.");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
            throw new IOException($"import: {output} exists and is not empty; import writes a new checkpoint folder (name another --out, or remove this one).");

        var imported = WeightImport.Read(weightsFile, settings);
        var model = imported.Model;
        var data = DataSources.Load(dataName, anySize: true);
        if (data.Test.PixelsPerImage != model.InputSize)
            throw new DataFormatException(data.Name, $"its images have {data.Test.PixelsPerImage} pixels ({data.Test.Height}×{data.Test.Width}) but the weights in {weightsFile} are a model of {model.InputSize} inputs; name the data set with --data");

        var training = new TrainOptions { Data = dataName, Device = "host" };
        var info = new CheckpointInfo { Model = model, Training = training, Epoch = 0, Step = 0 };
        using var vae = new VaeModel<float>(model, Device.Open("host"), imported.Weights);
        using var optimizer = TrainingOptimizer.Create(training, vae, totalSteps: 1);
        Write(output, vae, optimizer, info);
        Console.WriteLine($"imported {weightsFile} ({imported.Layout}'s names, {imported.Weights.Count} tensors, {model.ParameterCount} parameters): " +
                          $"model {model.Describe()} {model.Activation.ToString().ToLowerInvariant()} {model.Likelihood.ToString().ToLowerInvariant()}, data {data.Name}");
        Console.WriteLine($"wrote {output}: {Checkpoint.ModelFile}, {Checkpoint.OptimizerFile} (fresh), {Checkpoint.ConfigFile} (epoch 0, step 0), {Checkpoint.MetricsFile} (no epochs); every verb reads it, train --resume trains it further");
        return 0;
    }

    // The checkpoint goes into a hidden folder beside --out and is renamed into place once complete: a failure or a
    // kill leaves --out as it was (absent or empty), never a half-written checkpoint.
    private static void Write(string output, VaeModel<float> model, Autograd.Optimizers.Optimizer<float> optimizer, CheckpointInfo info)
    {
        string full = Path.GetFullPath(output.TrimEnd(Path.DirectorySeparatorChar));
        string parent = Path.GetDirectoryName(full) ?? throw new CheckpointException(output, "it has no parent folder to write beside");
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(full)}.import-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
        try
        {
            Checkpoint.Save(staging, model, optimizer, info, []);
            if (Directory.Exists(full)) Directory.Delete(full); // empty, checked above; Delete refuses a folder that is not
            Directory.Move(staging, full);
        }
        catch
        {
            try
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
            }
            throw;
        }
    }
}
