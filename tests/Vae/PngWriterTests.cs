using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ScratchVae.Vae.Images;

namespace ScratchVae.Tests.Vae;

[TestFixture]
public class PngWriterTests
{
    [Test]
    public void Crc32MatchesTheStandardCheckValue()
    {
        // The CRC-32 of the ASCII digits "123456789" is 0xCBF43926 (the published check value).
        uint crc = PngWriter.Crc32(0xFFFFFFFFu, Encoding.ASCII.GetBytes("123456789")) ^ 0xFFFFFFFFu;
        Assert.That(crc, Is.EqualTo(0xCBF43926u));
    }

    [Test]
    public void GreyImageDecodesBackToItsPixels()
    {
        string path = Path.Combine(Path.GetTempPath(), $"png-test-{Guid.NewGuid():N}.png");
        try
        {
            float[] pixels = [0f, 0.5f, 1f, 2f, -1f, float.NaN];
            PngWriter.WriteGray(path, pixels, width: 3, height: 2);
            byte[] file = File.ReadAllBytes(path);
            Assert.That(file[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
            // Walk the chunks, checking each CRC, and collect IHDR and IDAT.
            int offset = 8;
            byte[]? header = null;
            var idat = new MemoryStream();
            var types = new List<string>();
            while (offset < file.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(offset));
                string type = Encoding.ASCII.GetString(file, offset + 4, 4);
                var body = file.AsSpan(offset + 8, length);
                uint crc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset + 8 + length));
                Assert.That(crc, Is.EqualTo(PngWriter.Crc32(PngWriter.Crc32(0xFFFFFFFFu, file.AsSpan(offset + 4, 4)), body) ^ 0xFFFFFFFFu), type);
                types.Add(type);
                if (type == "IHDR") header = body.ToArray();
                if (type == "IDAT") idat.Write(body);
                offset += 12 + length;
            }
            Assert.That(types, Is.EqualTo(new[] { "IHDR", "IDAT", "IEND" }));
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(header!), Is.EqualTo(3));
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(header!.AsSpan(4)), Is.EqualTo(2));
            Assert.That(header![8..10], Is.EqualTo(new byte[] { 8, 0 }), "8-bit greyscale");
            idat.Position = 0;
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
            using var raw = new MemoryStream();
            zlib.CopyTo(raw);
            Assert.That(raw.ToArray(), Is.EqualTo(new byte[] { 0, 0, 128, 255, 0, 255, 0, 0 }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
