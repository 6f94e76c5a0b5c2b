using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchVae.Vae.Data;

/// <summary>
/// Images as float pixels in [0, 1] (byte / 255, not binarised, as PyTorch's VAE example), one row of
/// <see cref="Height"/> × <see cref="Width"/> values per image, with labels.
/// <para>
/// A set read from 8-bit IDX files keeps its bytes and converts on demand: <see cref="CopyImage"/> converts one image
/// into the caller's buffer, and <see cref="Pixels"/> converts the whole set the first time it is asked for. A
/// training epoch reads every image once in shuffled order, so it streams the set from main memory: as bytes that is
/// 47 MB per Fashion-MNIST epoch instead of 188 MB, and the trainer never materialises the floats.
/// </para>
/// </summary>
public sealed class ImageDataSet
{
    private readonly byte[]? _bytes;
    private float[]? _pixels;

    /// <summary>Creates a data set; <paramref name="pixels"/> holds count × height × width values.</summary>
    public ImageDataSet(float[] pixels, byte[] labels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckSizes(pixels.Length, labels, height, width);
        _pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
    }

    // An 8-bit set: pixel = byte / 255.
    private ImageDataSet(byte[] bytes, byte[] labels, int height, int width)
    {
        CheckSizes(bytes.Length, labels, height, width);
        _bytes = bytes;
        Labels = labels;
        Height = height;
        Width = width;
    }

    private static void CheckSizes(int pixelCount, byte[] labels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (pixelCount != labels.Length * height * width)
            throw new ArgumentException($"{labels.Length} labels of {height}×{width} images need {labels.Length * height * width} pixels, got {pixelCount}.");
    }

    /// <summary>All pixels, image after image (converted from bytes on first use for a set read from IDX files).</summary>
    public float[] Pixels => _pixels ??= ToFloats(_bytes!);

    /// <summary>One label per image.</summary>
    public byte[] Labels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Pixels per image.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>
    /// Writes the pixels of image <paramref name="index"/> to <paramref name="destination"/> (at least
    /// <see cref="PixelsPerImage"/> long) without converting the rest of the set.
    /// </summary>
    public void CopyImage(int index, Span<float> destination)
    {
        int length = PixelsPerImage;
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The set has {Count} images.");
        if (destination.Length < length) throw new ArgumentException($"An image has {length} pixels; the destination holds {destination.Length}.", nameof(destination));
        if (_bytes is not null) Convert(_bytes.AsSpan(index * length, length), destination);
        else Image(index).CopyTo(destination);
    }

    // pixel = byte / 255, the same division as the scalar loop, eight bytes at a time where vectors are accelerated.
    // Compiled optimised once and never inlined: left to tiered compilation, a loop like this one gets machine code
    // that depends on a profile taken while it ran (see HotLoop in the kernels).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Convert(ReadOnlySpan<byte> bytes, Span<float> pixels)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(255f);
            for (; i + Vector128<byte>.Count <= bytes.Length; i += Vector128<byte>.Count)
            {
                var (low, high) = Vector128.Widen(Vector128.Create(bytes.Slice(i, Vector128<byte>.Count)));
                var (a, b) = Vector128.Widen(low);
                var (c, d) = Vector128.Widen(high);
                (Vector256.ConvertToSingle(Vector256.Create(a, b).AsInt32()) / scale).CopyTo(pixels.Slice(i));
                (Vector256.ConvertToSingle(Vector256.Create(c, d).AsInt32()) / scale).CopyTo(pixels.Slice(i + 8));
            }
        }
        for (; i < bytes.Length; i++) pixels[i] = bytes[i] / 255f;
    }

    private static float[] ToFloats(byte[] bytes)
    {
        var pixels = new float[bytes.Length];
        Convert(bytes, pixels);
        return pixels;
    }

    /// <summary>The first <paramref name="count"/> images (for quick runs and tests).</summary>
    public ImageDataSet Take(int count)
    {
        count = Math.Min(count, Count);
        int length = count * PixelsPerImage;
        return _bytes is not null
            ? new ImageDataSet(_bytes[..length], Labels[..count], Height, Width)
            : new ImageDataSet(Pixels[..length], Labels[..count], Height, Width);
    }

    /// <summary>
    /// Loads an images file and a labels file (IDX, gz or raw) and checks that they agree.
    /// <paramref name="expectedHeight"/>/<paramref name="expectedWidth"/> (when given) refuse images of another size.
    /// </summary>
    public static ImageDataSet Load(string imagesPath, string labelsPath, int? expectedHeight = null, int? expectedWidth = null)
        => FromIdx(IdxReader.Read(imagesPath), IdxReader.Read(labelsPath), imagesPath, labelsPath, expectedHeight, expectedWidth);

    /// <summary>
    /// Builds a data set from parsed IDX images and labels, checking that they agree (3-D images, 1-D labels, equal
    /// counts, the expected image size); <paramref name="imagesName"/> and <paramref name="labelsName"/> appear in errors.
    /// The set keeps both arrays (no copy) and converts the image bytes to pixels on demand.
    /// </summary>
    public static ImageDataSet FromIdx(IdxReader.IdxArray images, IdxReader.IdxArray labels, string imagesName, string labelsName,
        int? expectedHeight = null, int? expectedWidth = null)
    {
        if (images.Dimensions.Length != 3)
            throw new DataFormatException(imagesName, $"an images file needs 3 dimensions (count, height, width) but has [{string.Join(", ", images.Dimensions)}]");
        if (labels.Dimensions.Length != 1)
            throw new DataFormatException(labelsName, $"a labels file needs 1 dimension but has [{string.Join(", ", labels.Dimensions)}]");
        int count = images.Dimensions[0], height = images.Dimensions[1], width = images.Dimensions[2];
        if (labels.Dimensions[0] != count)
            throw new DataFormatException(labelsName, $"it has {labels.Dimensions[0]} labels but {Path.GetFileName(imagesName)} has {count} images");
        if ((expectedHeight is { } h && h != height) || (expectedWidth is { } w && w != width))
            throw new DataFormatException(imagesName, $"images are {height}×{width} but {expectedHeight}×{expectedWidth} were expected");
        return new ImageDataSet(images.Data, labels.Data, height, width);
    }
}
