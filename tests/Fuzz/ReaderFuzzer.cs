// The fuzzer of every file reader, shared by the test suite (tests/Vae/ReaderFuzzTests.cs, 10⁴ mutations a reader)
// and `bench fuzz` (10⁶): bench/ScratchVae.Bench.csproj compiles this same file.
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ScratchVae.Tensors;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Fuzzing;

/// <summary>One reader under test: valid inputs to mutate, how to read bytes, and what it may throw.</summary>
/// <param name="Name">The reader, e.g. "idx-gzip".</param>
/// <param name="Seeds">Valid (and known-hostile) inputs that mutations start from.</param>
/// <param name="Read">Reads bytes, naming them <see cref="FileName"/> in its messages.</param>
/// <param name="Documented">The exception types the reader documents; anything else is a violation.</param>
/// <param name="AllocationFactor">Allowed bytes allocated per input byte (plus 256 KiB); gzip may expand ~1000×.</param>
/// <param name="Text">True for text formats, which also get token mutations (numbers, null, escapes).</param>
public sealed record FuzzTarget(string Name, byte[][] Seeds, Action<byte[]> Read, Type Documented, double AllocationFactor, bool Text = false)
{
    /// <summary>The name the reader is given for its bytes; every refusal must mention it.</summary>
    public string FileName => $"fuzz-{Name}.input";
}

/// <summary>Counts of one fuzzing run.</summary>
public sealed class FuzzReport(string target)
{
    /// <summary>The reader.</summary>
    public string Target { get; } = target;
    /// <summary>Inputs read without an exception.</summary>
    public int Accepted { get; set; }
    /// <summary>Inputs refused with the documented exception naming the file, by first words of the message.</summary>
    public Dictionary<string, int> Refused { get; } = [];
    /// <summary>Contract violations: an undocumented exception, a message without the file, too much memory, too long.</summary>
    public List<string> Violations { get; } = [];
    /// <summary>The largest allocation seen for one input, in bytes.</summary>
    public long WorstAllocation { get; set; }
    /// <summary>Every input tried.</summary>
    public int Total => Accepted + Refused.Values.Sum() + Violations.Count;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Target}: {Total} inputs, {Accepted} accepted, {Refused.Values.Sum()} refused ({Refused.Count} kinds of message), {Violations.Count} violations; " +
        FormattableString.Invariant($"largest allocation for one input {WorstAllocation:N0} bytes");
}

/// <summary>Mutates valid inputs of every reader and checks the contract: only the documented exception, naming the file; no allocation beyond a small multiple of the input; no hang.</summary>
public static class ReaderFuzzer
{
    private static readonly string[] Tokens = ["-1", "0", "2147483648", "4294967296", "-2147483649", "1e309", "NaN", "null", "true", "[]", "{}", "\"3\"", "\"\\ud800\"",
        "99999999999999999999", "1.5", "\"\"", "[1000000]", "2147483647", "-0", "\"relu\"", "\"Gaussian\""];

    /// <summary>Every reader with its seeds.</summary>
    public static IReadOnlyList<FuzzTarget> Targets()
    {
        byte[] images = Idx([3, 4, 4], Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray());
        byte[] labels = Idx([3], [1, 7, 3]);
        var weights = new StateDict([new NamedTensor("encoder.mu.weight", "F32", [2, 3], [0.5, -1, 2, 0, 1e-3, 3]), new NamedTensor("encoder.mu.bias", "F64", [2], [1, -1])]);
        weights.Metadata["step"] = "7";
        byte[] safetensors = Bytes(stream => SafeTensorsFile.Write(stream, weights, weights.Metadata));
        var info = new CheckpointInfo { Model = new VaeOptions { HiddenSizes = [16, 8], LatentSize = 2 }, Training = new TrainOptions { ClipNorm = 5 }, Epoch = 3, Step = 6, Interrupted = true, BatchesDone = 1, PartialLossSum = 12.5 };
        byte[] config = Checkpoint.Serialize(info);
        byte[] metrics = Encoding.UTF8.GetBytes(EpochMetrics.CsvHeader + "\n" + string.Concat(Enumerable.Range(1, 3).Select(e => new EpochMetrics(e, 200.0 / e, 210.0 / e, 190.0 / e, 20, 0.5).ToCsv() + "\n")));
        return
        [
            new("idx", [images, labels], bytes => IdxReader.Read(new MemoryStream(bytes, writable: false), "fuzz-idx.input"), typeof(DataFormatException), 4),
            new("idx-gzip", [Gzip(images), Gzip(labels), Convert.FromHexString("1f8b08000000000002036360e060acffffff3f2b0093c5ebe607000080"),
                Convert.FromHexString("1f8b08000000000002036360e0602c379dc2c00a008359cd1808943577")],
                bytes => IdxReader.ReadGzip(new MemoryStream(bytes, writable: false), "fuzz-idx-gzip.input"), typeof(DataFormatException), 1100),
            new("safetensors", [safetensors], bytes => SafeTensorsFile.Parse(bytes, "fuzz-safetensors.input"), typeof(SafeTensorsException), 8, Text: true),
            new("config.json", [config], bytes => Checkpoint.ParseInfo(bytes, "fuzz-config.json.input"), typeof(CheckpointException), 16, Text: true),
            new("metrics.csv", [metrics], bytes => Checkpoint.ParseMetrics(bytes, "fuzz-metrics.csv.input"), typeof(CheckpointException), 16, Text: true),
        ];
    }

    /// <summary>Runs <paramref name="count"/> mutated inputs of <paramref name="target"/> from the deterministic <paramref name="seed"/>.</summary>
    public static FuzzReport Run(FuzzTarget target, int count, int seed)
    {
        var report = new FuzzReport(target.Name);
        var random = new Random(seed);
        var clock = new Stopwatch();
        for (int i = 0; i < count; i++)
        {
            byte[] input = i < target.Seeds.Length ? target.Seeds[i] : Mutate(random, target.Seeds[random.Next(target.Seeds.Length)], target.Text);
            // Mutate gzip's content too, not only its compressed bytes (which mostly just fail the checksum).
            if (target.Name == "idx-gzip" && i >= target.Seeds.Length && random.Next(2) == 0)
                input = Gzip(Mutate(random, Gunzip(target.Seeds[random.Next(2)]), text: false));
            long before = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            string? violation = null;
            try
            {
                target.Read(input);
                report.Accepted++;
            }
            catch (Exception exception) when (exception.GetType() == target.Documented)
            {
                if (!exception.Message.Contains(target.FileName, StringComparison.Ordinal)) violation = $"a message without the file name: {exception.Message}";
                else
                {
                    // The kind of refusal: the message without its numbers and quoted values, cut short.
                    string key = System.Text.RegularExpressions.Regex.Replace(exception.Message[(target.FileName.Length + 2)..], "'[^']*'|[0-9]+", "#");
                    key = key.Length > 70 ? key[..70] : key;
                    report.Refused[key] = report.Refused.GetValueOrDefault(key) + 1;
                }
            }
            catch (Exception exception)
            {
                violation = $"{exception.GetType().Name}: {exception.Message}";
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            report.WorstAllocation = Math.Max(report.WorstAllocation, allocated);
            if (violation is null && allocated > target.AllocationFactor * input.Length + (256 << 10)) violation = $"allocated {allocated} bytes for a {input.Length}-byte input";
            if (violation is null && clock.Elapsed > TimeSpan.FromSeconds(2)) violation = $"took {clock.Elapsed.TotalSeconds:F1} s";
            if (violation is not null) report.Violations.Add($"input {i} ({Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 96)))}{(input.Length > 96 ? "…" : "")}): {violation}");
        }
        return report;
    }

    /// <summary>One to four random edits: bit flips, interesting bytes, insertions, deletions, copies, truncation, and for text, token swaps.</summary>
    public static byte[] Mutate(Random random, byte[] input, bool text)
    {
        var bytes = new List<byte>(input);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int position = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(text ? 8 : 7))
            {
                case 0 when bytes.Count > 0: bytes[position] ^= (byte)(1 << random.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[position] = new byte[] { 0, 0xFF, 0x7F, 0x80, 0x01, 0xFE }[random.Next(6)]; break;
                case 2: bytes.InsertRange(position, Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256))); break;
                case 3 when bytes.Count > 0: bytes.RemoveRange(position, Math.Min(bytes.Count - position, 1 + random.Next(16))); break;
                case 4 when bytes.Count > 0:
                    int length = Math.Min(bytes.Count - position, 1 + random.Next(32));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(position, length));
                    break;
                case 5: bytes.RemoveRange(position, bytes.Count - position); break;
                case 6 when bytes.Count >= 4: // a 32-bit field set to a large value (lengths, dimensions, offsets)
                    int at = random.Next(bytes.Count - 3);
                    var value = BitConverter.GetBytes(new[] { int.MaxValue, -1, 0x7FFFFFFE, 65536, 1 << 30 }[random.Next(5)]);
                    if (random.Next(2) == 0) Array.Reverse(value);
                    for (int k = 0; k < 4; k++) bytes[at + k] = value[k];
                    break;
                case 7: bytes = new List<byte>(ReplaceToken(random, bytes.ToArray())); break;
            }
        }
        return bytes.ToArray();
    }

    // Replaces one number, string or literal of a text input by a hostile token.
    private static byte[] ReplaceToken(Random random, byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        var matches = System.Text.RegularExpressions.Regex.Matches(text, "-?[0-9][0-9.eE+-]*|\"[^\"]*\"|true|false|null");
        if (matches.Count == 0) return input;
        var match = matches[random.Next(matches.Count)];
        return Encoding.UTF8.GetBytes(text[..match.Index] + Tokens[random.Next(Tokens.Length)] + text[(match.Index + match.Length)..]);
    }

    private static byte[] Idx(int[] dimensions, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dimensions.Length };
        foreach (int d in dimensions) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Bytes(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    private static byte[] Gzip(byte[] data) => Bytes(stream =>
    {
        using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
        gzip.Write(data);
    });

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
