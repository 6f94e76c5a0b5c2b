namespace ScratchVae.Vae.Images;

/// <summary>
/// A minimal line chart as an RGB PNG: axes, light grid lines at round values, one coloured polyline per series.
/// No text rendering: the caller documents the colours (see the README) and the axis ranges go in the file name or log.
/// </summary>
public static class LinePlot
{
    /// <summary>One series: its points and its colour.</summary>
    public sealed record Series(IReadOnlyList<(double X, double Y)> Points, (byte R, byte G, byte B) Colour);

    /// <summary>Draws the series scaled to fit a <paramref name="width"/> × <paramref name="height"/> canvas.</summary>
    public static void Write(string path, IReadOnlyList<Series> series, int width = 480, int height = 320)
    {
        var canvas = new byte[width * height * 3];
        Array.Fill(canvas, (byte)255);
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        const int margin = 24;
        double minX = points.Count > 0 ? points.Min(p => p.X) : 0, maxX = points.Count > 0 ? points.Max(p => p.X) : 1;
        double minY = points.Count > 0 ? points.Min(p => p.Y) : 0, maxY = points.Count > 0 ? points.Max(p => p.Y) : 1;
        if (maxX <= minX) maxX = minX + 1;
        if (maxY <= minY) maxY = minY + 1;
        double padY = (maxY - minY) * 0.05;
        minY -= padY;
        maxY += padY;
        int PixelX(double x) => margin + (int)Math.Round((x - minX) / (maxX - minX) * (width - 2 * margin));
        int PixelY(double y) => height - margin - (int)Math.Round((y - minY) / (maxY - minY) * (height - 2 * margin));

        // Grid lines at a round step of the y range.
        double step = Math.Pow(10, Math.Floor(Math.Log10((maxY - minY) / 2)));
        for (double y = Math.Ceiling(minY / step) * step; y <= maxY; y += step)
            Line(canvas, width, height, margin, PixelY(y), width - margin, PixelY(y), (225, 225, 225));
        Line(canvas, width, height, margin, height - margin, width - margin, height - margin, (0, 0, 0));
        Line(canvas, width, height, margin, margin, margin, height - margin, (0, 0, 0));
        foreach (var s in series)
        {
            var valid = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            for (int i = 1; i < valid.Count; i++)
                Line(canvas, width, height, PixelX(valid[i - 1].X), PixelY(valid[i - 1].Y), PixelX(valid[i].X), PixelY(valid[i].Y), s.Colour, thick: true);
            foreach (var p in valid)
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -2; dx <= 2; dx++) Plot(canvas, width, height, PixelX(p.X) + dx, PixelY(p.Y) + dy, s.Colour);
        }
        PngWriter.WriteRgb(path, canvas, width, height);
    }

    private static void Line(byte[] canvas, int width, int height, int x0, int y0, int x1, int y1, (byte, byte, byte) colour, bool thick = false)
    {
        // Bresenham's line algorithm.
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        while (true)
        {
            Plot(canvas, width, height, x0, y0, colour);
            if (thick) { Plot(canvas, width, height, x0 + 1, y0, colour); Plot(canvas, width, height, x0, y0 + 1, colour); }
            if (x0 == x1 && y0 == y1) return;
            int twice = 2 * error;
            if (twice >= dy) { error += dy; x0 += sx; }
            if (twice <= dx) { error += dx; y0 += sy; }
        }
    }

    private static void Plot(byte[] canvas, int width, int height, int x, int y, (byte R, byte G, byte B) colour)
    {
        if (x < 0 || y < 0 || x >= width || y >= height) return;
        int i = (y * width + x) * 3;
        canvas[i] = colour.R;
        canvas[i + 1] = colour.G;
        canvas[i + 2] = colour.B;
    }
}
