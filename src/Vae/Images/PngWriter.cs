using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Images;

/// <summary>
/// Writes 8-bit PNG images (greyscale or RGB) with the framework's zlib: signature, IHDR, one IDAT with
/// filter type 0 on every scanline, IEND; each chunk with its CRC-32.
/// </summary>
public static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Writes a greyscale image; <paramref name="pixels"/> are row-major, values clamped to [0, 1].</summary>
    public static void WriteGray(string path, ReadOnlySpan<float> pixels, int width, int height)
    {
        if (pixels.Length != width * height) throw new ArgumentException($"PNG {path}: {pixels.Length} pixels do not fill {width}×{height}.");
        var bytes = new byte[width * height];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = ToByte(pixels[i]);
        Write(path, bytes, width, height, channels: 1);
    }

    /// <summary>Writes a greyscale image from bytes (one per pixel, row-major).</summary>
    public static void WriteGray(string path, byte[] grey, int width, int height)
    {
        if (grey.Length != width * height) throw new ArgumentException($"PNG {path}: {grey.Length} bytes do not fill {width}×{height}.");
        Write(path, grey, width, height, channels: 1);
    }

    /// <summary>Writes an RGB image from bytes (3 per pixel, row-major).</summary>
    public static void WriteRgb(string path, byte[] rgb, int width, int height)
    {
        if (rgb.Length != width * height * 3) throw new ArgumentException($"PNG {path}: {rgb.Length} bytes do not fill {width}×{height} RGB.");
        Write(path, rgb, width, height, channels: 3);
    }

    /// <summary>Maps [0, 1] to 0–255 with rounding; NaN becomes 0.</summary>
    public static byte ToByte(float value) => float.IsNaN(value) ? (byte)0 : (byte)Math.Round(Math.Clamp(value, 0f, 1f) * 255f);

    /// <summary>The PNG file of a greyscale image of bytes (one per pixel, row-major), in memory.</summary>
    public static byte[] EncodeGray(byte[] grey, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(grey);
        if (grey.Length != width * height) throw new ArgumentException($"PNG: {grey.Length} bytes do not fill {width}×{height}.");
        return Encode("PNG", grey, width, height, channels: 1);
    }

    private static void Write(string path, byte[] data, int width, int height, int channels)
    {
        byte[] file = Encode(path, data, width, height, channels);
        AtomicFile.Write(path, stream => stream.Write(file));
    }

    private static byte[] Encode(string name, byte[] data, int width, int height, int channels)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"PNG {name}: size {width}×{height} is empty.");
        using var raw = new MemoryStream();
        int stride = width * channels;
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter type 0 (None) for this scanline
            raw.Write(data, y * stride, stride);
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(zlib);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                               // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2);   // colour type: greyscale or truecolour
        // compression 0, filter method 0, interlace 0 follow as zero bytes
        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", compressed.ToArray());
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, body.Length);
        stream.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(body);
        uint crc = Crc32(Crc32(0xFFFFFFFFu, typeBytes), body) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    /// <summary>CRC-32 (ISO 3309 polynomial 0xEDB88320) continued from <paramref name="crc"/>.</summary>
    public static uint Crc32(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
