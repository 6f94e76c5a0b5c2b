namespace ScratchVae.Vae.Images;

/// <summary>A canvas rendered to RGB pixels: every unit <c>scale</c> × <c>scale</c> pixels, font cells and image values whole squares.</summary>
public sealed class RasterImage
{
    private RasterImage(int width, int height)
    {
        Width = width;
        Height = height;
        Rgb = new byte[width * height * 3];
        Array.Fill(Rgb, (byte)255);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Three bytes per pixel, row-major.</summary>
    public byte[] Rgb { get; }

    /// <summary>The colour of pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public Colour this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return new Colour(Rgb[i], Rgb[i + 1], Rgb[i + 2]);
        }
    }

    /// <summary>True when every pixel is a grey (red = green = blue).</summary>
    public bool IsGrey
    {
        get
        {
            for (int i = 0; i < Rgb.Length; i += 3)
                if (Rgb[i] != Rgb[i + 1] || Rgb[i] != Rgb[i + 2]) return false;
            return true;
        }
    }

    /// <summary>The red channel of every pixel: the image itself when <see cref="IsGrey"/>.</summary>
    public byte[] Grey()
    {
        var grey = new byte[Width * Height];
        for (int i = 0; i < grey.Length; i++) grey[i] = Rgb[3 * i];
        return grey;
    }

    /// <summary>Draws the marks of <paramref name="canvas"/> in order at <paramref name="scale"/> pixels per unit.</summary>
    public static RasterImage Render(Canvas canvas, int scale)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var image = new RasterImage(canvas.Width * scale, canvas.Height * scale);
        foreach (var mark in canvas.Marks)
        {
            switch (mark)
            {
                case RectangleMark r:
                    image.Fill(r.X * scale, r.Y * scale, r.Width * scale, r.Height * scale, r.Colour);
                    break;
                case LineMark l:
                    image.Line(l, scale);
                    break;
                case TextMark t:
                    image.Text(t, scale);
                    break;
                case ImageMark m:
                    int cell = m.PixelSize * scale;
                    for (int y = 0; y < m.ImageHeight; y++)
                        for (int x = 0; x < m.ImageWidth; x++)
                        {
                            byte grey = m.Grey[y * m.ImageWidth + x];
                            image.Fill(m.X * scale + x * cell, m.Y * scale + y * cell, cell, cell, new Colour(grey, grey, grey));
                        }
                    break;
            }
        }
        return image;
    }

    private void Fill(int x, int y, int width, int height, Colour colour)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
        for (int row = y0; row < y1; row++)
            for (int column = x0; column < x1; column++)
            {
                int i = (row * Width + column) * 3;
                Rgb[i] = colour.R;
                Rgb[i + 1] = colour.G;
                Rgb[i + 2] = colour.B;
            }
    }

    // Bresenham's algorithm between the centres of the end units, with a square brush thickness × scale pixels wide.
    private void Line(LineMark line, int scale)
    {
        int centre = (scale - 1) / 2, brush = line.Thickness * scale, offset = (brush - 1) / 2;
        int x0 = line.X0 * scale + centre, y0 = line.Y0 * scale + centre, x1 = line.X1 * scale + centre, y1 = line.Y1 * scale + centre;
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        while (true)
        {
            Fill(x0 - offset, y0 - offset, brush, brush, line.Colour);
            if (x0 == x1 && y0 == y1) return;
            int twice = 2 * error;
            if (twice >= dy) { error += dy; x0 += sx; }
            if (twice <= dx) { error += dx; y0 += sy; }
        }
    }

    private void Text(TextMark text, int scale)
    {
        int cell = text.Size * scale, anchorX = text.X * scale, anchorY = text.Y * scale, start = text.StartOffset * scale;
        for (int n = 0; n < text.Text.Length; n++)
            for (int row = 0; row < BitmapFont.Height; row++)
                for (int column = 0; column < BitmapFont.GlyphWidth; column++)
                {
                    if (!BitmapFont.IsInk(text.Text[n], column, row)) continue;
                    // u runs along the line of text, v down across it; vertical text turns (u, v) to (v, −u).
                    int u = start + (n * BitmapFont.Advance + column) * cell, v = row * cell;
                    if (text.Vertical) Fill(anchorX + v, anchorY - u - cell, cell, cell, text.Colour);
                    else Fill(anchorX + u, anchorY + v, cell, cell, text.Colour);
                }
    }
}
