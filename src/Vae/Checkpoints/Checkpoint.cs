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
    /// <summary>True when training was interrupted (Ctrl-C, SIGTERM) before the epoch after <see cref="Epoch"/> finished.</summary>
    public bool Interrupted { get; init; }
    /// <summary>For an interrupted save: the batches of epoch <see cref="Epoch"/> + 1 already taken (0 otherwise).</summary>
    public int BatchesDone { get; init; }
    /// <summary>For an interrupted save: the sum of those batches' losses, so the epoch's train_loss comes out as without the interruption.</summary>
    public double PartialLossSum { get; init; }
    /// <summary>For an interrupted save: the seconds those batches took.</summary>
    public double PartialSeconds { get; init; }
    /// <summary>The program's format version (2: checkpoint generations and mid-epoch positions).</summary>
    public int FormatVersion { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is missing or out of range.</summary>
    public void Validate()
    {
        if (Model is null) throw new ArgumentException("\"model\" is missing.");
        if (Training is null) throw new ArgumentException("\"training\" is missing.");
        Model.Validate();
        Training.Validate();
        if (Epoch < 0) throw new ArgumentException($"epoch must be ≥ 0, not {Epoch}.");
        if (Step < 0) throw new ArgumentException($"step must be ≥ 0, not {Step}.");
        if (BatchesDone < 0 || (!Interrupted && BatchesDone != 0)) throw new ArgumentException($"batches_done must be ≥ 0, and 0 unless interrupted, not {BatchesDone}.");
        if (BatchesDone > Step) throw new ArgumentException($"batches_done {BatchesDone} exceeds the step {Step}.");
        if (!double.IsFinite(PartialLossSum) || !double.IsFinite(PartialSeconds) || PartialSeconds < 0)
            throw new ArgumentException($"partial_loss_sum and partial_seconds must be finite, not {PartialLossSum} and {PartialSeconds}.");
        if (FormatVersion is < 1 or > 2) throw new ArgumentException($"format_version {FormatVersion} is not one this program reads (1 or 2).");
    }
}

/// <summary>
/// A checkpoint: <c>model.safetensors</c> (weights, float32, PyTorch nn.Linear names and layouts),
/// <c>optimizer.safetensors</c> (the optimizer's state dict: Adam's m and v as "NAME.exp_avg" / "NAME.exp_avg_sq", SGD's "NAME.momentum_buffer"), <c>config.json</c>
/// (architecture, training settings, epoch, step, position in an interrupted epoch) and <c>metrics.csv</c> (one row per
/// epoch), written as one set and switched in atomically (<see cref="CheckpointStore"/>). Every reader treats the files
/// as hostile: sizes come from the bytes actually there, every field is checked, the tensor files must carry the step
/// config.json names, and the only exception that escapes is <see cref="CheckpointException"/> naming the file.
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

    /// <summary>
    /// Saves the model, the optimizer, the configuration and the metrics to <paramref name="folder"/> as one set,
    /// switched in atomically: a kill at any instant leaves the old set or the new one. Hold the folder's
    /// <see cref="TrainingLock"/> while saving.
    /// </summary>
    public static void Save(string folder, VaeModel<float> model, Optimizer<float> optimizer, CheckpointInfo info, IReadOnlyList<EpochMetrics> metrics)
    {
        var weights = model.StateDict();
        Stamp(weights, info);
        var state = optimizer.StateDict();
        Stamp(state, info);
        string csv = EpochMetrics.CsvHeader + "\n" + string.Concat(metrics.Select(m => m.ToCsv() + "\n"));
        byte[] config = Serialize(info);
        CheckpointStore.Save(folder, info.Step, set =>
        {
            weights.Save(Path.Combine(set, ModelFile));
            state.Save(Path.Combine(set, OptimizerFile));
            AtomicFile.WriteText(Path.Combine(set, MetricsFile), csv);
            AtomicFile.Write(Path.Combine(set, ConfigFile), stream => stream.Write(config));
        });
    }

    /// <summary>config.json's bytes for <paramref name="info"/> (indented UTF-8 JSON, snake_case names, enums by name).</summary>
    public static byte[] Serialize(CheckpointInfo info) => JsonSerializer.SerializeToUtf8Bytes(info, Json);

    // Both tensor files carry the step and epoch they belong to, which config.json must match on load.
    private static void Stamp(StateDict state, CheckpointInfo info)
    {
        state.Metadata["format"] = "pt";
        state.Metadata["step"] = info.Step.ToString(CultureInfo.InvariantCulture);
        state.Metadata["epoch"] = info.Epoch.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The largest config.json read (a real one is about 2 KB).</summary>
    public const int MaxConfigBytes = 1 << 20;

    /// <summary>Reads config.json of the set in use, refusing a missing, malformed or out-of-range one.</summary>
    public static CheckpointInfo ReadInfo(string folder)
    {
        if (!Directory.Exists(folder)) throw new CheckpointException(folder, "no such checkpoint folder");
        string path = Path.Combine(CheckpointStore.Resolve(folder), ConfigFile);
        if (!File.Exists(path)) throw new CheckpointException(path, "missing (is this a folder written by scratchvae train?)");
        return ParseInfo(ReadBounded(path, MaxConfigBytes), path);
    }

    /// <summary>Parses and validates config.json bytes; <paramref name="path"/> names the file in messages.</summary>
    public static CheckpointInfo ParseInfo(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > MaxConfigBytes) throw new CheckpointException(path, $"it is larger than {MaxConfigBytes} bytes, which no configuration is");
        try
        {
            var info = JsonSerializer.Deserialize<CheckpointInfo>(bytes, Json) ?? throw new CheckpointException(path, "empty");
            info.Validate();
            return info;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or NotSupportedException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new CheckpointException(path, $"not a valid configuration ({exception.Message.Split('\n')[0]})");
        }
    }

    // The whole file when it holds at most limit bytes; the length comes from the bytes read, not from the file system.
    private static byte[] ReadBounded(string path, int limit)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(limit + 1, 64 * 1024)];
        int length = 0;
        while (true)
        {
            int read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0) break;
            length += read;
            if (length > limit) throw new CheckpointException(path, $"it is larger than {limit} bytes, which no configuration is");
            if (length == buffer.Length) Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
        }
        return buffer[..length];
    }

    /// <summary>Reads model.safetensors, checking its step stamp against config.json and that every value is finite.</summary>
    public static StateDict ReadWeights(string folder, CheckpointInfo info)
    {
        string path = Path.Combine(CheckpointStore.Resolve(folder), ModelFile);
        var weights = ReadStamped(path, info);
        // The architecture in config.json must be the one these weights have, before anything is sized from it.
        long stored = weights.Sum(t => (long)t.Values.Length);
        if (stored != info.Model.ParameterCount)
            throw new CheckpointException(path, $"it holds {stored} values but config.json describes a model of {info.Model.ParameterCount} parameters");
        return weights;
    }

    /// <summary>Reads optimizer.safetensors, checking its step stamp against config.json and that every value is finite.</summary>
    public static StateDict ReadOptimizer(string folder, CheckpointInfo info) => ReadStamped(Path.Combine(CheckpointStore.Resolve(folder), OptimizerFile), info);

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
            Fit(() => model.LoadStateDict(weights), Path.Combine(CheckpointStore.Resolve(folder), ModelFile));
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

    /// <summary>The largest metrics.csv read (a row is about 100 bytes).</summary>
    public const int MaxMetricsBytes = 64 << 20;

    /// <summary>Reads metrics.csv of the set in use (empty when absent): rows for epochs 1, 2, … in order.</summary>
    public static List<EpochMetrics> ReadMetrics(string folder)
    {
        string path = Path.Combine(CheckpointStore.Resolve(folder), MetricsFile);
        if (!File.Exists(path)) return [];
        return ParseMetrics(ReadBounded(path, MaxMetricsBytes), path);
    }

    /// <summary>Parses metrics.csv bytes: the header, then rows for epochs 1, 2, … in order; <paramref name="path"/> names the file in messages.</summary>
    public static List<EpochMetrics> ParseMetrics(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new CheckpointException(path, "it is not UTF-8 text");
        }
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines[0] != EpochMetrics.CsvHeader)
            throw new CheckpointException(path, $"line 1: the first line must be the header '{EpochMetrics.CsvHeader}'");
        var metrics = new List<EpochMetrics>();
        for (int number = 2; number <= lines.Count; number++)
        {
            string line = lines[number - 1];
            if (line.Length == 0) continue;
            try
            {
                var row = EpochMetrics.FromCsv(line);
                if (row.Epoch != metrics.Count + 1) throw new FormatException($"the row of epoch {row.Epoch} stands where epoch {metrics.Count + 1} belongs");
                metrics.Add(row);
            }
            catch (FormatException exception)
            {
                throw new CheckpointException(path, $"line {number}: {exception.Message}");
            }
        }
        return metrics;
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
