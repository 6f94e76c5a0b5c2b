using System.Globalization;
using System.Text.Json;
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
/// <c>optimizer.safetensors</c> (Adam's m and v as "NAME.exp_avg" / "NAME.exp_avg_sq"), <c>config.json</c>
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
    public static void Save(string folder, VaeModel<float> model, Adam<float> optimizer, CheckpointInfo info, IReadOnlyList<EpochMetrics> metrics)
    {
        Directory.CreateDirectory(folder);
        var stamp = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["step"] = info.Step.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = info.Epoch.ToString(CultureInfo.InvariantCulture),
        };
        var weights = model.Parameters.Select((p, i) => new NamedTensor(model.Specs[i].Name, "F32", model.Specs[i].Shape, ToDoubles(p.Value.ToArray()))).ToList();
        SafeTensorsFile.Write(Path.Combine(folder, ModelFile), weights, stamp);
        var state = new List<NamedTensor>();
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            state.Add(new NamedTensor(model.Specs[i].Name + ".exp_avg", "F32", model.Specs[i].Shape, ToDoubles(optimizer.FirstMoment(i).ToArray())));
            state.Add(new NamedTensor(model.Specs[i].Name + ".exp_avg_sq", "F32", model.Specs[i].Shape, ToDoubles(optimizer.SecondMoment(i).ToArray())));
        }
        SafeTensorsFile.Write(Path.Combine(folder, OptimizerFile), state, stamp);
        AtomicFile.WriteText(Path.Combine(folder, MetricsFile), EpochMetrics.CsvHeader + "\n" + string.Concat(metrics.Select(m => m.ToCsv() + "\n")));
        AtomicFile.WriteText(Path.Combine(folder, ConfigFile), JsonSerializer.Serialize(info, Json));
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

    /// <summary>Reads the weights, checked against the architecture in config.json, as float arrays in layout order.</summary>
    public static IReadOnlyList<float[]> ReadWeights(string folder, CheckpointInfo info)
        => ReadTensors(Path.Combine(folder, ModelFile), info, ParameterLayout.For(info.Model).Select(s => (s.Name, s.Shape)).ToList());

    /// <summary>Reads Adam's moments (m then v per parameter).</summary>
    public static (IReadOnlyList<float[]> First, IReadOnlyList<float[]> Second) ReadOptimizer(string folder, CheckpointInfo info)
    {
        var specs = ParameterLayout.For(info.Model);
        var wanted = specs.SelectMany(s => new[] { (s.Name + ".exp_avg", s.Shape), (s.Name + ".exp_avg_sq", s.Shape) }).ToList();
        var arrays = ReadTensors(Path.Combine(folder, OptimizerFile), info, wanted);
        return (arrays.Where((_, i) => i % 2 == 0).ToList(), arrays.Where((_, i) => i % 2 == 1).ToList());
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

    private static List<float[]> ReadTensors(string path, CheckpointInfo info, IReadOnlyList<(string Name, int[] Shape)> wanted)
    {
        var (tensors, metadata) = SafeTensorsFile.Read(path);
        if (!metadata.TryGetValue("step", out var step) || step != info.Step.ToString(CultureInfo.InvariantCulture))
            throw new CheckpointException(path, $"it was written at step {step ?? "?"} but config.json says step {info.Step} (an interrupted save?)");
        var byName = tensors.ToDictionary(t => t.Name);
        var result = new List<float[]>();
        foreach (var (name, shape) in wanted)
        {
            if (!byName.TryGetValue(name, out var tensor)) throw new CheckpointException(path, $"tensor '{name}' is missing");
            if (!tensor.Shape.SequenceEqual(shape))
                throw new CheckpointException(path, $"tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}] but the model needs [{string.Join(", ", shape)}]");
            var values = new float[tensor.Values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)tensor.Values[i];
                if (!float.IsFinite(values[i])) throw new CheckpointException(path, $"tensor '{name}' holds a non-finite value at element {i}");
            }
            result.Add(values);
        }
        if (byName.Count != wanted.Count)
            throw new CheckpointException(path, $"it holds {byName.Count} tensors but the model needs {wanted.Count}: unexpected {string.Join(", ", byName.Keys.Except(wanted.Select(w => w.Name)).Take(3))}");
        return result;
    }

    private static double[] ToDoubles(float[] values) => Array.ConvertAll(values, v => (double)v);
}
