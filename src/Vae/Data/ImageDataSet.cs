namespace ScratchVae.Vae.Data;

/// <summary>
/// Images as float pixels in [0, 1] (byte / 255, not binarised, as PyTorch's VAE example), one row of
/// <see cref="Height"/> × <see cref="Width"/> values per image, with labels.
/// </summary>
public sealed class ImageDataSet
{
    /// <summary>Creates a data set; <paramref name="pixels"/> holds count × height × width values.</summary>
    public ImageDataSet(float[] pixels, byte[] labels, int height, int width)
    {
        if (pixels.Length != labels.Length * height * width)
            throw new ArgumentException($"{labels.Length} labels of {height}×{width} images need {labels.Length * height * width} pixels, got {pixels.Length}.");
        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
    }

    /// <summary>All pixels, image after image.</summary>
    public float[] Pixels { get; }

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

    /// <summary>The first <paramref name="count"/> images (for quick runs and tests).</summary>
    public ImageDataSet Take(int count)
    {
        count = Math.Min(count, Count);
        return new ImageDataSet(Pixels[..(count * PixelsPerImage)], Labels[..count], Height, Width);
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
        var pixels = new float[images.Data.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = images.Data[i] / 255f;
        return new ImageDataSet(pixels, labels.Data, height, width);
    }
}
