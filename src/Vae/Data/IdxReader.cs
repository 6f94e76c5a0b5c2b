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

    /// <summary>Reads <paramref name="path"/>; a gzipped file (recognised by its magic bytes) is decompressed.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "the file does not exist");
        using var file = File.OpenRead(path);
        bool gzipped = file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = 0;
        return gzipped ? ReadGzip(file, path) : Read(file, path);
    }

    /// <summary>
    /// Reads gzipped IDX data from <paramref name="compressed"/>. The gzip trailer's decompressed length (ISIZE) is a
    /// claim of the file's own and sizes nothing: the data array grows with the bytes actually decompressed.
    /// </summary>
    public static IdxArray ReadGzip(Stream compressed, string name)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        using var stream = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        return Read(stream, name);
    }

    /// <summary>
    /// Reads IDX data from <paramref name="stream"/> (already decompressed) straight into the array it returns: the
    /// header first, then the bytes its dimensions call for, so a 47 MB image file costs 47 MB and no more.
    /// <paramref name="name"/> appears in error messages. Only a seekable stream's length (bytes really there) sizes
    /// the array at once; otherwise, and whenever the header and the length disagree, the array grows as bytes arrive,
    /// so a corrupt header that claims gigabytes costs no more memory than the bytes really there.
    /// </summary>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            int magicLength = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            var header = new byte[4 + 4 * (magicLength == 4 ? magic[3] : 0)];
            magic[..magicLength].CopyTo(header);
            int headerLength = magicLength == 4 ? 4 + stream.ReadAtLeast(header.AsSpan(4), header.Length - 4, throwOnEndOfStream: false) : magicLength;
            var (dimensions, count) = ParseHeader(header.AsSpan(0, headerLength), name);

            long? remaining = stream.CanSeek ? stream.Length - stream.Position : null;
            if (stream.CanSeek) CheckLength(dimensions, count, remaining!.Value, name);
            // Only a length the file system reports for the bytes really there may size the array at once; a gzip
            // trailer's length is a claim of the file's own, so decompressed data grows the array as it arrives.
            byte[] data = stream.CanSeek && remaining == count ? new byte[count] : new byte[Math.Min(count, 1 << 16)];
            long available = 0;
            while (true)
            {
                available += stream.ReadAtLeast(data.AsSpan((int)available), data.Length - (int)available, throwOnEndOfStream: false);
                if (available < data.Length || data.Length == count) break;
                Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            }
            if (available == count)
            {
                // Count what follows, for the message, without keeping it.
                Span<byte> rest = stackalloc byte[4096];
                for (int read; (read = stream.Read(rest)) > 0;) available += read;
            }
            CheckLength(dimensions, count, available, name);
            return new IdxArray(dimensions, data);
        }
        catch (InvalidDataException exception)
        {
            throw new DataFormatException(name, $"the gzip stream is corrupt ({exception.Message})");
        }
    }

    /// <summary>Parses IDX bytes; <paramref name="name"/> appears in error messages.</summary>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string name)
    {
        var (dimensions, count) = ParseHeader(bytes, name);
        int headerLength = 4 + 4 * dimensions.Length;
        CheckLength(dimensions, count, bytes.Length - headerLength, name);
        return new IdxArray(dimensions, bytes.Slice(headerLength).ToArray());
    }

    // The magic, the element type and the dimensions from the start of bytes (which may hold more: the data).
    private static (int[] Dimensions, int Count) ParseHeader(ReadOnlySpan<byte> bytes, string name)
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
        return (dimensions, (int)count);
    }

    private static void CheckLength(int[] dimensions, int count, long available, string name)
    {
        if (available != count)
            throw new DataFormatException(name, $"dimensions [{string.Join(", ", dimensions)}] need {count} data bytes but the file has {available}" + (available < count ? " (truncated)" : " (trailing bytes)"));
    }
}
