using ScratchVae.Tensors;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// A checkpoint folder loaded for evaluation and pictures: its configuration and a float32 model on a device.
/// Loading validates everything first (<see cref="Checkpoint.ReadInfo"/>, <see cref="Checkpoint.ReadWeights"/>),
/// so a corrupt folder is refused with a <see cref="CheckpointException"/> before anything is built.
/// </summary>
public sealed class LoadedCheckpoint : IDisposable
{
    private LoadedCheckpoint(string folder, CheckpointInfo info, VaeModel<float> model)
    {
        Folder = folder;
        Info = info;
        Model = model;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>What config.json records.</summary>
    public CheckpointInfo Info { get; }

    /// <summary>The trained model.</summary>
    public VaeModel<float> Model { get; }

    /// <summary>Reads the folder named by --checkpoint and uploads the weights to <paramref name="device"/>.</summary>
    public static LoadedCheckpoint Open(string folder, Device device)
    {
        var info = Checkpoint.ReadInfo(folder);
        return new LoadedCheckpoint(folder, info, Checkpoint.LoadModel(folder, info, device));
    }

    /// <summary>Opens the device of the --device/--threads flags and the checkpoint of --checkpoint.</summary>
    public static LoadedCheckpoint Open(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        // Read the configuration before opening a device, so a missing folder is reported as such on every machine.
        Checkpoint.ReadInfo(folder);
        var device = CommandSupport.OpenDevice(flags.String("device"), flags.OptionalInt("threads"));
        return Open(folder, device);
    }

    /// <summary>One line: where it came from and what it is.</summary>
    public string Describe()
    {
        var model = Info.Model;
        return $"checkpoint {Folder}: epoch {Info.Epoch}, step {Info.Step}{(Info.Interrupted ? " (interrupted)" : "")}; " +
               $"model {model.Describe()} {model.Activation.ToString().ToLowerInvariant()} " +
               $"{model.Likelihood.ToString().ToLowerInvariant()}; device {Model.Device.Name}";
    }

    /// <summary>
    /// The data of --data (by default the data set the checkpoint was trained on), its test images cut to --limit
    /// when given; refuses images of another size than the model's input.
    /// </summary>
    public DataSplit LoadData(Flags flags) => LoadData(flags, Info, Folder);

    /// <summary><see cref="LoadData(Flags)"/> for a checkpoint whose configuration was read elsewhere.</summary>
    public static DataSplit LoadData(Flags flags, CheckpointInfo info, string folder)
    {
        var data = DataSources.Load(flags.String("data", info.Training.Data), anySize: true);
        if (data.Test.PixelsPerImage != info.Model.InputSize)
            throw new DataFormatException(data.Name, $"its images have {data.Test.PixelsPerImage} pixels ({data.Test.Height}×{data.Test.Width}) but the model in {folder} expects {info.Model.InputSize}");
        if (flags.OptionalInt("limit") is int limit) data = data with { Train = data.Train.Take(limit), Test = data.Test.Take(limit) };
        if (data.Test.Count == 0) throw new DataFormatException(data.Name, "it has no test images");
        return data;
    }

    /// <summary>Height and width of the model's images when no data is loaded: square when the input size is a square, else one row.</summary>
    public (int Height, int Width) ImageSize()
    {
        int pixels = Info.Model.InputSize;
        int side = (int)Math.Round(Math.Sqrt(pixels));
        return side * side == pixels ? (side, side) : (1, pixels);
    }

    /// <summary>Frees the model.</summary>
    public void Dispose() => Model.Dispose();
}
