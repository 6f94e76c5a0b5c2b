namespace ScratchVae.Vae.Images;

/// <summary>Tiles equally sized greyscale images into one picture with a 1-pixel grey border between tiles.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Lays out <paramref name="images"/> (each <paramref name="height"/> × <paramref name="width"/> values in [0, 1],
    /// concatenated) in <paramref name="columns"/> columns and writes the PNG.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<float> images, int count, int height, int width, int columns)
    {
        if (images.Length != count * height * width) throw new ArgumentException($"{count} images of {height}×{width} need {count * height * width} values, got {images.Length}.");
        int rows = (count + columns - 1) / columns;
        int gridWidth = columns * (width + 1) + 1, gridHeight = rows * (height + 1) + 1;
        var canvas = new float[gridWidth * gridHeight];
        Array.Fill(canvas, 0.5f);
        for (int n = 0; n < count; n++)
        {
            int top = 1 + (n / columns) * (height + 1), left = 1 + (n % columns) * (width + 1);
            for (int y = 0; y < height; y++)
                images.Slice(n * height * width + y * width, width).CopyTo(canvas.AsSpan((top + y) * gridWidth + left, width));
        }
        PngWriter.WriteGray(path, canvas, gridWidth, gridHeight);
    }
}
