using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchVae.Tensors;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
/// tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (relative to the data after the header),
/// an optional "__metadata__" of string → string, then the little-endian, C-order, contiguous data.
/// The reader validates every rule and refuses anything else with a message naming the file and the problem.
/// </summary>
public static class SafeTensorsFile
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes the tensors (in the given order) and metadata atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        => AtomicFile.Write(path, stream => Write(stream, tensors, metadata, path));

    /// <summary>Writes the tensors (in the given order) and metadata to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        => Write(stream, tensors, metadata, "stream");

    private static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata) meta[key] = value;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        var names = new HashSet<string>();
        foreach (var tensor in tensors)
        {
            if (!names.Add(tensor.Name)) throw new ArgumentException($"safetensors: tensor name '{tensor.Name}' appears twice.");
            if (tensor.Name == "__metadata__") throw new ArgumentException("safetensors: '__metadata__' is reserved.");
            long count = tensor.Shape.Aggregate(1L, (a, b) => a * b);
            if (count != tensor.Values.Length) throw new ArgumentException($"safetensors: tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] but {tensor.Values.Length} values.");
            int size = ElementSize(tensor.DType, tensor.Name, path);
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = tensor.DType,
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + count * size),
            };
            offset += count * size;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces to a multiple of 8 bytes so the data is aligned (allowed by the format).
        int padded = (json.Length + 7) / 8 * 8;
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            var buffer = new byte[8];
            foreach (var tensor in tensors)
            {
                foreach (double value in tensor.Values)
                {
                    if (tensor.DType == "F32")
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(buffer, (float)value);
                        stream.Write(buffer, 0, 4);
                    }
                    else
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
                        stream.Write(buffer, 0, 8);
                    }
                }
            }
        }
    }

    /// <summary>Reads and validates a safetensors file.</summary>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new SafeTensorsException(path, "the file does not exist");
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Parses safetensors bytes; <paramref name="name"/> appears in error messages.</summary>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Parse(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return ParseChecked(bytes, name);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException or OverflowException or JsonException)
        {
            // The JSON model raises these lazily: a key given twice (ArgumentException), a string that is not valid
            // UTF-16, such as a lone surrogate "\ud800" (InvalidOperationException), a number out of range.
            string problem = exception is ArgumentException && exception.Message.Contains("same key", StringComparison.Ordinal)
                ? "the header names an entry twice" : $"the header is malformed ({exception.Message.Split('\n')[0]})";
            throw new SafeTensorsException(name, problem);
        }
    }

    private static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) ParseChecked(byte[] bytes, string name)
    {
        if (bytes.Length < 8) throw new SafeTensorsException(name, $"it has {bytes.Length} bytes, fewer than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
            throw new SafeTensorsException(name, $"the header claims {headerLength} bytes but the file has {bytes.Length - 8} after the length");
        JsonObject header;
        try
        {
            string text = new UTF8Encoding(false, true).GetString(bytes, 8, (int)headerLength);
            header = JsonNode.Parse(text) as JsonObject ?? throw new SafeTensorsException(name, "the header is not a JSON object");
        }
        catch (Exception exception) when (exception is JsonException or DecoderFallbackException or ArgumentException)
        {
            throw new SafeTensorsException(name, $"the header is not valid UTF-8 JSON ({exception.Message})");
        }
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new List<(long Begin, long End, NamedTensor Tensor)>();
        foreach (var (key, node) in header)
        {
            if (key == "__metadata__")
            {
                if (node is not JsonObject meta) throw new SafeTensorsException(name, "__metadata__ is not an object");
                foreach (var (metaKey, metaValue) in meta)
                {
                    if (metaValue is not JsonValue value || !value.TryGetValue(out string? text))
                        throw new SafeTensorsException(name, $"__metadata__ entry '{metaKey}' is not a string");
                    metadata[metaKey] = text;
                }
                continue;
            }
            if (node is not JsonObject entry) throw new SafeTensorsException(name, $"tensor '{key}' is not an object");
            string dtype = entry["dtype"] is JsonValue d && d.TryGetValue(out string? dt) ? dt : throw new SafeTensorsException(name, $"tensor '{key}' has no string dtype");
            int size = dtype switch
            {
                "F32" => 4,
                "F64" => 8,
                _ => throw new SafeTensorsException(name, $"tensor '{key}' has dtype {dtype}; only F32 and F64 are supported"),
            };
            int[] shape = ReadIntegers(entry["shape"], name, key, "shape").Select(v =>
                v is >= 0 and <= int.MaxValue ? (int)v : throw new SafeTensorsException(name, $"tensor '{key}' has an invalid dimension {v}")).ToArray();
            long[] offsets = ReadIntegers(entry["data_offsets"], name, key, "data_offsets");
            if (offsets.Length != 2) throw new SafeTensorsException(name, $"tensor '{key}' needs data_offsets [begin, end]");
            long begin = offsets[0], end = offsets[1];
            long count = 1;
            foreach (int dimension in shape)
            {
                count *= dimension;
                if (count > int.MaxValue) throw new SafeTensorsException(name, $"tensor '{key}' is too large");
            }
            if (begin < 0 || end < begin || end > dataLength)
                throw new SafeTensorsException(name, $"tensor '{key}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data buffer");
            if (end - begin != count * size)
                throw new SafeTensorsException(name, $"tensor '{key}' of shape [{string.Join(", ", shape)}] {dtype} needs {count * size} bytes but data_offsets span {end - begin}");
            var values = new double[count];
            var data = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin));
            for (int i = 0; i < count; i++)
                values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(data.Slice(i * 4, 4)) : BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(i * 8, 8));
            tensors.Add((begin, end, new NamedTensor(key, dtype, shape, values)));
        }
        // The tensors must tile the data buffer exactly: contiguous, not overlapping, covering it.
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var (begin, end, tensor) in tensors)
        {
            if (begin != expected)
                throw new SafeTensorsException(name, begin < expected ? $"tensor '{tensor.Name}' overlaps the one before it" : $"there is a gap of {begin - expected} bytes before tensor '{tensor.Name}'");
            expected = end;
        }
        if (expected != dataLength) throw new SafeTensorsException(name, $"the tensors cover {expected} bytes but the data buffer has {dataLength}");
        return (tensors.Select(t => t.Tensor).ToList(), metadata);
    }

    private static long[] ReadIntegers(JsonNode? node, string file, string tensor, string field)
    {
        if (node is not JsonArray array) throw new SafeTensorsException(file, $"tensor '{tensor}' has no {field} array");
        var result = new long[array.Count];
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || !value.TryGetValue(out long number))
                throw new SafeTensorsException(file, $"tensor '{tensor}' {field}[{i}] is not an integer");
            result[i] = number;
        }
        return result;
    }

    private static int ElementSize(string dtype, string tensor, string path) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        _ => throw new ArgumentException($"safetensors ({path}): tensor '{tensor}' has dtype {dtype}; only F32 and F64 are written."),
    };
}
