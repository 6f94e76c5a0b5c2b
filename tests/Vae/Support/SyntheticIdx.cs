using System.Buffers.Binary;

namespace ScratchVae.Tests.Vae.Support;

/// <summary>Writes small IDX data folders (the four MNIST files, uncompressed) for tests.</summary>
public static class SyntheticIdx
{
    /// <summary>
    /// Writes train and test files of <paramref name="height"/> × <paramref name="width"/> images into
    /// <paramref name="folder"/>: pixel bytes from a fixed pseudo-random sequence, labels image index mod 10.
    /// </summary>
    public static void WriteFolder(string folder, int trainCount, int testCount, int height, int width, int seed = 7)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(folder);
        foreach (var (prefix, count) in new[] { ("train", trainCount), ("t10k", testCount) })
        {
            var pixels = new byte[count * height * width];
            random.NextBytes(pixels);
            WriteIdx(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), 0x08, [count, height, width], pixels);
            WriteIdx(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), 0x08, [count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());
        }
    }

    /// <summary>An IDX file: magic 0x0000 TT NN (type, number of dimensions), big-endian sizes, then the bytes.</summary>
    public static void WriteIdx(string path, byte type, int[] dimensions, byte[] data)
    {
        using var stream = File.Create(path);
        stream.Write([0, 0, type, (byte)dimensions.Length]);
        Span<byte> word = stackalloc byte[4];
        foreach (int dimension in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, dimension);
            stream.Write(word);
        }
        stream.Write(data);
    }
}
