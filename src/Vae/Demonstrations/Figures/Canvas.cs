using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Demonstrations.Figures;

/// <summary>An RGB picture to draw on: pixels, lines, rectangles and <see cref="PixelFont"/> text; saved as PNG.</summary>
public sealed class Canvas
{
    private readonly byte[] _rgb;

    /// <summary>A white canvas of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public Canvas(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"A canvas needs a positive size, not {width}×{height}.");
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        Array.Fill(_rgb, (byte)255);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The colour at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public Colour this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return new Colour(_rgb[i], _rgb[i + 1], _rgb[i + 2]);
        }
    }

    /// <summary>Colours one pixel; points outside the canvas are ignored.</summary>
    public void Plot(int x, int y, Colour colour)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return;
        int i = (y * Width + x) * 3;
        _rgb[i] = colour.R;
        _rgb[i + 1] = colour.G;
        _rgb[i + 2] = colour.B;
    }

    /// <summary>Fills the rectangle with corner (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void FillRectangle(int x, int y, int width, int height, Colour colour)
    {
        for (int row = y; row < y + height; row++)
            for (int column = x; column < x + width; column++) Plot(column, row, colour);
    }

    /// <summary>A line from (x0, y0) to (x1, y1) by Bresenham's algorithm, <paramref name="thickness"/> pixels wide.</summary>
    public void Line(int x0, int y0, int x1, int y1, Colour colour, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        while (true)
        {
            FillRectangle(x0 - (thickness - 1) / 2, y0 - (thickness - 1) / 2, thickness, thickness, colour);
            if (x0 == x1 && y0 == y1) return;
            int twice = 2 * error;
            if (twice >= dy) { error += dy; x0 += sx; }
            if (twice <= dx) { error += dx; y0 += sy; }
        }
    }

    /// <summary>Writes <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>), each font cell <paramref name="scale"/> pixels.</summary>
    public void Text(int x, int y, string text, Colour colour, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int n = 0; n < text.Length; n++)
        {
            int left = x + n * (PixelFont.Width + 1) * scale;
            for (int row = 0; row < PixelFont.Height; row++)
                for (int column = 0; column < PixelFont.Width; column++)
                    if (PixelFont.IsInk(text[n], column, row)) FillRectangle(left + column * scale, y + row * scale, scale, scale, colour);
        }
    }

    /// <summary>Saves the canvas as an RGB PNG.</summary>
    public void Save(string path) => PngWriter.WriteRgb(path, _rgb, Width, Height);
}
