using System.Globalization;
using System.Text.Json;
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Checkpoints;

/// <summary>What a checkpoint folder records besides the tensors.</summary>
public sealed record CheckpointInfo
{
    /// <summary>The architecture.</summary>
    public required VaeOptions Model { get; init; }
    /// <summary>The training settings.</summary>
    public required TrainOptions Training { get; init; }
    /// <summary>Completed epochs.</summary>
    public required int Epoch { get; init; }
    /// <summary>Adam's t.</summary>
    public required int Step { get; init; }
    /// <summary>True when training was interrupted (Ctrl-C) before the epoch after <see cref="Epoch"/> finished.</summary>
    public bool Interrupted { get; init; }
    /// <summary>The program's format version.</summary>
    public int FormatVersion { get; init; } = 1;
}

/// <summary>
/// A checkpoint folder: <c>model.safetensors</c> (weights, float32, PyTorch nn.Linear names and layouts),
/// <c>optimizer.safetensors</c> (the optimizer's state dict: Adam's m and v as "NAME.exp_avg" / "NAME.exp_avg_sq", SGD's "NAME.momentum_buffer"), <c>config.json</c>
/// (architecture, training settings, epoch, step) and <c>metrics.csv</c> (one row per epoch). Each file is written
/// atomically; config.json is written last and names the step the tensor files must carry, so a crash between
/// files is detected on load instead of mixing two states.
/// </summary>
public static class Checkpoint
{
    /// <summary>The weights file.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>The optimizer state file.</summary>
    public const string OptimizerFile = "optimizer.safetensors";
    /// <summary>The configuration file.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>The per-epoch metrics.</summary>
    public const string MetricsFile = "metrics.csv";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Saves everything to <paramref name="folder"/>.</summary>
    public static void Save(string folder, VaeModel<float> model, Optimizer<float> optimizer, CheckpointInfo info, IReadOnlyList<EpochMetrics> metrics)
    {
        Directory.CreateDirectory(folder);
        var weights = model.StateDict();
        Stamp(weights, info);
        weights.Save(Path.Combine(folder, ModelFile));
        var state = optimizer.StateDict();
        Stamp(state, info);
        state.Save(Path.Combine(folder, OptimizerFile));
        AtomicFile.WriteText(Path.Combine(folder, MetricsFile), EpochMetrics.CsvHeader + "\n" + string.Concat(metrics.Select(m => m.ToCsv() + "\n")));
        AtomicFile.WriteText(Path.Combine(folder, ConfigFile), JsonSerializer.Serialize(info, Json));
    }

    // Both tensor files carry the step and epoch they belong to, which config.json must match on load.
    private static void Stamp(StateDict state, CheckpointInfo info)
    {
        state.Metadata["format"] = "pt";
        state.Metadata["step"] = info.Step.ToString(CultureInfo.InvariantCulture);
        state.Metadata["epoch"] = info.Epoch.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads config.json, refusing a missing or malformed one.</summary>
    public static CheckpointInfo ReadInfo(string folder)
    {
        string path = Path.Combine(folder, ConfigFile);
        if (!Directory.Exists(folder)) throw new CheckpointException(folder, "no such checkpoint folder");
        if (!File.Exists(path)) throw new CheckpointException(path, "missing (is this a folder written by scratchvae train?)");
        try
        {
            var info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path), Json) ?? throw new CheckpointException(path, "empty");
            info.Model.Validate();
            return info;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or NotSupportedException)
        {
            throw new CheckpointException(path, $"not a valid configuration ({exception.Message})");
        }
    }

    /// <summary>Reads model.safetensors, checking its step stamp against config.json and that every value is finite.</summary>
    public static StateDict ReadWeights(string folder, CheckpointInfo info) => ReadStamped(Path.Combine(folder, ModelFile), info);

    /// <summary>Reads optimizer.safetensors, checking its step stamp against config.json and that every value is finite.</summary>
    public static StateDict ReadOptimizer(string folder, CheckpointInfo info) => ReadStamped(Path.Combine(folder, OptimizerFile), info);

    /// <summary>
    /// Builds the float32 model of <paramref name="info"/> on <paramref name="device"/> from the folder's weights; every
    /// name and shape is checked (a <see cref="CheckpointException"/> names the file, the key and both shapes).
    /// </summary>
    public static VaeModel<float> LoadModel(string folder, CheckpointInfo info, Device device)
    {
        var weights = ReadWeights(folder, info);
        var model = new VaeModel<float>(info.Model, device, seed: 0);
        try
        {
            Fit(() => model.LoadStateDict(weights), Path.Combine(folder, ModelFile));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Runs a state-dict check or load, turning a mismatch into a <see cref="CheckpointException"/> naming <paramref name="file"/>.</summary>
    public static void Fit(Action load, string file)
    {
        ArgumentNullException.ThrowIfNull(load);
        try
        {
            load();
        }
        catch (StateDictException exception)
        {
            string message = exception.Message.StartsWith(file + ": ", StringComparison.Ordinal) ? exception.Message[(file.Length + 2)..] : exception.Message;
            throw new CheckpointException(file, message);
        }
    }

    /// <summary>Reads metrics.csv (empty when absent).</summary>
    public static List<EpochMetrics> ReadMetrics(string folder)
    {
        string path = Path.Combine(folder, MetricsFile);
        if (!File.Exists(path)) return [];
        try
        {
            return File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(EpochMetrics.FromCsv).ToList();
        }
        catch (FormatException exception)
        {
            throw new CheckpointException(path, exception.Message);
        }
    }

    private static StateDict ReadStamped(string path, CheckpointInfo info)
    {
        StateDict state;
        try
        {
            state = StateDict.Load(path);
        }
        catch (SafeTensorsException exception)
        {
            throw new CheckpointException(path, exception.Problem);
        }
        if (!state.Metadata.TryGetValue("step", out var step) || step != info.Step.ToString(CultureInfo.InvariantCulture))
            throw new CheckpointException(path, $"it was written at step {step ?? "?"} but config.json says step {info.Step} (an interrupted save?)");
        foreach (var tensor in state)
        {
            int bad = Array.FindIndex(tensor.Values, v => !double.IsFinite(v) || !float.IsFinite((float)v));
            if (bad >= 0) throw new CheckpointException(path, $"tensor '{tensor.Name}' holds a non-finite value at element {bad}");
        }
        return state;
    }
}
