using System.Buffers.Binary;
using System.Text;

namespace ScratchVae.Vae.Export;

/// <summary>
/// The protocol buffers wire format, as much of it as an ONNX file needs: each field is a key varint
/// (field number · 8 + wire type) then its value, a varint (wire type 0), four little-endian bytes (type 5) or a
/// length varint and that many bytes (type 2: strings, bytes, packed repeated numbers and nested messages).
/// A nested message is written into its own writer first, so that its length is known before its bytes.
/// </summary>
public sealed class ProtobufWriter
{
    private const int Varint = 0, Fixed32 = 5, LengthDelimited = 2;
    private readonly MemoryStream _bytes = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>The number of bytes written so far.</summary>
    public long Length => _bytes.Length;

    /// <summary>Copies the bytes written so far to <paramref name="stream"/>.</summary>
    public void CopyTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _bytes.Position = 0;
        _bytes.CopyTo(stream);
    }

    /// <summary>An int64, int32 or enum field (negative numbers take ten bytes, as protobuf sign-extends them).</summary>
    public ProtobufWriter Int(int field, long value)
    {
        Key(field, Varint);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A float field (wire type 5).</summary>
    public ProtobufWriter Float(int field, float value)
    {
        Key(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A string field, UTF-8.</summary>
    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    /// <summary>A repeated int64 field, packed (one length-delimited run of varints, proto3's default).</summary>
    public ProtobufWriter PackedInts(int field, IEnumerable<long> values)
    {
        var run = new ProtobufWriter();
        foreach (long value in values) run.WriteVarint(unchecked((ulong)value));
        return Bytes(field, run.ToArray());
    }

    /// <summary>A nested message field, written by <paramref name="write"/>.</summary>
    public ProtobufWriter Message(int field, Action<ProtobufWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var message = new ProtobufWriter();
        write(message);
        Key(field, LengthDelimited);
        WriteVarint((ulong)message.Length);
        message.CopyTo(_bytes);
        return this;
    }

    private void Key(int field, int wireType)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(field);
        WriteVarint(((ulong)field << 3) | (uint)wireType);
    }

    // Seven bits a byte, least significant first; the high bit says another byte follows.
    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
