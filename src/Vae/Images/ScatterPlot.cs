namespace ScratchVae.Vae.Images;

/// <summary>
/// A scatter plot as an RGB PNG: points as small squares coloured by class, a frame, light grey axes through 0
/// when 0 is in range, and a legend strip of one swatch per class (in class order, left to right) in the top-left
/// corner. No text rendering: the caller prints the colours and axis ranges.
/// </summary>
public static class ScatterPlot
{
    /// <summary>The plotted ranges, for the caller to print.</summary>
    public sealed record Ranges(double MinX, double MaxX, double MinY, double MaxY);

    /// <summary>
    /// Draws points (<paramref name="xs"/>[i], <paramref name="ys"/>[i]) in the colour of <paramref name="labels"/>[i]
    /// on a <paramref name="size"/> × <paramref name="size"/> canvas; the y axis points up. Non-finite points are skipped.
    /// </summary>
    public static Ranges Write(string path, IReadOnlyList<double> xs, IReadOnlyList<double> ys, IReadOnlyList<int> labels, int classes = 10, int size = 640)
    {
        if (xs.Count != ys.Count || xs.Count != labels.Count)
            throw new ArgumentException($"A scatter plot needs as many x ({xs.Count}), y ({ys.Count}) and labels ({labels.Count}).");
        if (size < 64) throw new ArgumentOutOfRangeException(nameof(size), size, "The canvas must be at least 64 pixels wide.");
        var canvas = new byte[size * size * 3];
        Array.Fill(canvas, (byte)255);
        const int margin = 24, dot = 1; // a point is a (2·dot + 1)² square

        var finite = Enumerable.Range(0, xs.Count).Where(i => double.IsFinite(xs[i]) && double.IsFinite(ys[i])).ToList();
        double minX = finite.Count > 0 ? finite.Min(i => xs[i]) : -1, maxX = finite.Count > 0 ? finite.Max(i => xs[i]) : 1;
        double minY = finite.Count > 0 ? finite.Min(i => ys[i]) : -1, maxY = finite.Count > 0 ? finite.Max(i => ys[i]) : 1;
        (minX, maxX) = Pad(minX, maxX);
        (minY, maxY) = Pad(minY, maxY);
        int span = size - 2 * margin;
        int PixelX(double x) => margin + (int)Math.Round((x - minX) / (maxX - minX) * span);
        int PixelY(double y) => size - margin - (int)Math.Round((y - minY) / (maxY - minY) * span);

        if (minX < 0 && maxX > 0) Rectangle(canvas, size, PixelX(0), margin, PixelX(0), size - margin, (210, 210, 210));
        if (minY < 0 && maxY > 0) Rectangle(canvas, size, margin, PixelY(0), size - margin, PixelY(0), (210, 210, 210));
        (byte, byte, byte) black = (0, 0, 0);
        Rectangle(canvas, size, margin, margin, size - margin, margin, black);
        Rectangle(canvas, size, margin, size - margin, size - margin, size - margin, black);
        Rectangle(canvas, size, margin, margin, margin, size - margin, black);
        Rectangle(canvas, size, size - margin, margin, size - margin, size - margin, black);

        // Points in data order, so that no class is drawn entirely on top of another.
        foreach (int i in finite)
        {
            int px = PixelX(xs[i]), py = PixelY(ys[i]);
            Rectangle(canvas, size, px - dot, py - dot, px + dot, py + dot, Palette.Of(labels[i]));
        }

        // Legend: swatch k (class k) at the top-left, above the frame.
        const int swatch = 10;
        for (int k = 0; k < classes; k++)
        {
            int left = margin + k * (swatch + 4);
            Rectangle(canvas, size, left, 6, left + swatch - 1, 6 + swatch - 1, Palette.Of(k));
        }
        PngWriter.WriteRgb(path, canvas, size, size);
        return new Ranges(minX, maxX, minY, maxY);
    }

    /// <summary>Widens a range by 5 % on each side (and an empty one to a unit interval) so points do not sit on the frame.</summary>
    private static (double Min, double Max) Pad(double min, double max)
    {
        if (max <= min) return (min - 0.5, max + 0.5);
        double pad = 0.05 * (max - min);
        return (min - pad, max + pad);
    }

    /// <summary>Fills the rectangle [x0, x1] × [y0, y1] (inclusive, clipped to the canvas).</summary>
    private static void Rectangle(byte[] canvas, int size, int x0, int y0, int x1, int y1, (byte R, byte G, byte B) colour)
    {
        for (int y = Math.Max(0, y0); y <= Math.Min(size - 1, y1); y++)
            for (int x = Math.Max(0, x0); x <= Math.Min(size - 1, x1); x++)
            {
                int offset = (y * size + x) * 3;
                canvas[offset] = colour.R;
                canvas[offset + 1] = colour.G;
                canvas[offset + 2] = colour.B;
            }
    }
}
