using System.Text;

namespace ScratchVae.Tests.Vae.Export;

/// <summary>
/// The fields of one protobuf message, decoded from the wire format independently of the writer (varints, 32- and
/// 64-bit fixed values, length-delimited bytes), so that tests can read an ONNX file's structure field by field.
/// </summary>
public sealed class ProtobufFields
{
    private readonly List<(int Field, int WireType, ulong Number, byte[] Bytes)> _fields = [];

    /// <summary>Decodes <paramref name="message"/>; a malformed one throws <see cref="FormatException"/>.</summary>
    public ProtobufFields(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int position = 0;
        while (position < message.Length)
        {
            ulong key = ReadVarint(message, ref position);
            int field = (int)(key >> 3), wireType = (int)(key & 7);
            if (field == 0) throw new FormatException("field number 0");
            switch (wireType)
            {
                case 0: _fields.Add((field, wireType, ReadVarint(message, ref position), [])); break;
                case 1: _fields.Add((field, wireType, BitConverter.ToUInt64(Take(message, ref position, 8)), [])); break;
                case 5: _fields.Add((field, wireType, BitConverter.ToUInt32(Take(message, ref position, 4)), [])); break;
                case 2:
                    ulong length = ReadVarint(message, ref position);
                    if (length > (ulong)(message.Length - position)) throw new FormatException($"field {field}: length {length} runs past the end");
                    _fields.Add((field, wireType, 0, Take(message, ref position, (int)length)));
                    break;
                default: throw new FormatException($"field {field}: wire type {wireType}");
            }
        }
    }

    /// <summary>The field numbers, in the order they appear.</summary>
    public IEnumerable<int> FieldNumbers => _fields.Select(f => f.Field);

    /// <summary>The one varint of <paramref name="field"/>, as a signed 64-bit number.</summary>
    public long Int(int field) => (long)_fields.Single(f => f.Field == field && f.WireType == 0).Number;

    /// <summary>The one 32-bit float of <paramref name="field"/>.</summary>
    public float Float(int field) => BitConverter.UInt32BitsToSingle((uint)_fields.Single(f => f.Field == field && f.WireType == 5).Number);

    /// <summary>True when <paramref name="field"/> occurs.</summary>
    public bool Has(int field) => _fields.Any(f => f.Field == field);

    /// <summary>The one length-delimited value of <paramref name="field"/> as UTF-8 text.</summary>
    public string String(int field) => Encoding.UTF8.GetString(_fields.Single(f => f.Field == field && f.WireType == 2).Bytes);

    /// <summary>Every length-delimited value of <paramref name="field"/> as UTF-8 text.</summary>
    public IReadOnlyList<string> Strings(int field) => Bytes(field).Select(b => Encoding.UTF8.GetString(b)).ToList();

    /// <summary>The one length-delimited value of <paramref name="field"/>.</summary>
    public byte[] SingleBytes(int field) => _fields.Single(f => f.Field == field && f.WireType == 2).Bytes;

    /// <summary>Every length-delimited value of <paramref name="field"/>.</summary>
    public IReadOnlyList<byte[]> Bytes(int field) => _fields.Where(f => f.Field == field && f.WireType == 2).Select(f => f.Bytes).ToList();

    /// <summary>The one nested message of <paramref name="field"/>.</summary>
    public ProtobufFields Message(int field) => new(SingleBytes(field));

    /// <summary>Every nested message of <paramref name="field"/>.</summary>
    public IReadOnlyList<ProtobufFields> Messages(int field) => Bytes(field).Select(b => new ProtobufFields(b)).ToList();

    /// <summary>A repeated int64 field, packed or not.</summary>
    public IReadOnlyList<long> Ints(int field)
    {
        var values = new List<long>();
        foreach (var entry in _fields.Where(f => f.Field == field))
        {
            if (entry.WireType == 0) values.Add((long)entry.Number);
            else
            {
                int position = 0;
                while (position < entry.Bytes.Length) values.Add((long)ReadVarint(entry.Bytes, ref position));
            }
        }
        return values;
    }

    private static ulong ReadVarint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length) throw new FormatException("a varint runs past the end");
            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("a varint longer than ten bytes");
    }

    private static byte[] Take(byte[] bytes, ref int position, int count)
    {
        if (count > bytes.Length - position) throw new FormatException("a value runs past the end");
        var taken = bytes.AsSpan(position, count).ToArray();
        position += count;
        return taken;
    }
}
