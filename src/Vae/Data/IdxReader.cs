using System.Buffers.Binary;
using System.IO.Compression;

namespace ScratchVae.Vae.Data;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or raw. Big-endian: two zero bytes, a type
/// byte (0x08 = unsigned byte), the number of dimensions, one uint32 per dimension, then the data in C order.
/// Every deviation is refused with a message that names the file and what is wrong.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;

    /// <summary>An IDX file's dimensions and its unsigned bytes.</summary>
    public sealed record IdxArray(int[] Dimensions, byte[] Data);

    /// <summary>Reads <paramref name="path"/>; a ".gz" name (or gzip magic) is decompressed.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "the file does not exist");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                bytes = plain.ToArray();
            }
        }
        catch (InvalidDataException exception)
        {
            throw new DataFormatException(path, $"the gzip stream is corrupt ({exception.Message})");
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses IDX bytes; <paramref name="name"/> appears in error messages.</summary>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 4) throw new DataFormatException(name, $"it has {bytes.Length} bytes, fewer than the 4-byte IDX magic");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException(name, $"the magic starts with 0x{bytes[0]:X2}{bytes[1]:X2}, not 0x0000 — not an IDX file");
        if (bytes[2] != UnsignedByte)
            throw new DataFormatException(name, $"element type 0x{bytes[2]:X2} is not supported (only 0x08, unsigned byte)");
        int rank = bytes[3];
        if (rank == 0) throw new DataFormatException(name, "it declares 0 dimensions");
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength) throw new DataFormatException(name, $"the header needs {headerLength} bytes for {rank} dimensions but the file has {bytes.Length}");
        var dimensions = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint dimension = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(4 + 4 * i, 4));
            if (dimension > int.MaxValue) throw new DataFormatException(name, $"dimension {i} is {dimension}, too large");
            dimensions[i] = (int)dimension;
            count *= dimension;
            if (count > int.MaxValue) throw new DataFormatException(name, "it declares more than 2^31 elements");
        }
        long available = bytes.Length - headerLength;
        if (available != count)
            throw new DataFormatException(name, $"dimensions [{string.Join(", ", dimensions)}] need {count} data bytes but the file has {available}" + (available < count ? " (truncated)" : " (trailing bytes)"));
        return new IdxArray(dimensions, bytes.Slice(headerLength).ToArray());
    }
}
