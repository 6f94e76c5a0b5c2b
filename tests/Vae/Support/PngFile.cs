using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ScratchVae.Tests.Vae.Support;

/// <summary>Reads back the PNGs this program writes (8-bit, greyscale or RGB, filter 0 on every row), for tests.</summary>
public sealed record PngFile(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>The channel values of pixel (x, y).</summary>
    public ReadOnlySpan<byte> At(int x, int y) => Pixels.AsSpan((y * Width + x) * Channels, Channels);

    /// <summary>Decodes <paramref name="path"/>.</summary>
    public static PngFile Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        Assert.That(file[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG");
        int offset = 8, width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        while (offset < file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(offset));
            string type = Encoding.ASCII.GetString(file, offset + 4, 4);
            var body = file.AsSpan(offset + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                channels = body[9] == 2 ? 3 : 1;
            }
            if (type == "IDAT") idat.Write(body);
            offset += 12 + length;
        }
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        byte[] rows = raw.ToArray();
        int stride = width * channels;
        Assert.That(rows.Length, Is.EqualTo(height * (stride + 1)), $"{path}: image data size");
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            Assert.That(rows[y * (stride + 1)], Is.EqualTo(0), "filter type 0");
            Array.Copy(rows, y * (stride + 1) + 1, pixels, y * stride, stride);
        }
        return new PngFile(width, height, channels, pixels);
    }
}
