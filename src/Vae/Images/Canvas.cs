namespace ScratchVae.Vae.Images;

/// <summary>Where a string sits relative to the point it is drawn at.</summary>
public enum TextAnchor
{
    /// <summary>The point is the text's left edge.</summary>
    Start,
    /// <summary>The point is the text's centre.</summary>
    Middle,
    /// <summary>The point is the text's right edge.</summary>
    End,
}

/// <summary>What a string is for; SVG output names it in the text element's <c>class</c>.</summary>
public enum TextRole
{
    /// <summary>The picture's title.</summary>
    Title,
    /// <summary>A line under the title.</summary>
    Subtitle,
    /// <summary>The name and unit of an axis.</summary>
    AxisTitle,
    /// <summary>A number at an axis tick.</summary>
    Tick,
    /// <summary>A legend entry.</summary>
    Legend,
    /// <summary>Any other label (a row of tiles, a point).</summary>
    Label,
}

/// <summary>
/// A picture as a list of marks in picture units: rectangles, lines, text in <see cref="BitmapFont"/>, and greyscale
/// images. The same list is rendered as pixels (<see cref="Render"/>, saved as PNG) or as SVG (<see cref="ToSvg"/>,
/// text kept as text), each unit becoming <c>scale</c> × <c>scale</c> pixels so that larger pictures stay crisp.
/// </summary>
public sealed class Canvas
{
    private readonly List<Mark> _marks = [];
    private RasterImage? _unscaled;

    /// <summary>A white canvas of <paramref name="width"/> × <paramref name="height"/> units.</summary>
    public Canvas(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"A canvas needs a positive size, not {width}×{height}.");
        Width = width;
        Height = height;
    }

    /// <summary>Width in units (pixels at scale 1).</summary>
    public int Width { get; }

    /// <summary>Height in units (pixels at scale 1).</summary>
    public int Height { get; }

    /// <summary>The marks, in drawing order.</summary>
    public IReadOnlyList<Mark> Marks => _marks;

    /// <summary>The colour of pixel (<paramref name="x"/>, <paramref name="y"/>) at scale 1.</summary>
    public Colour this[int x, int y] => (_unscaled ??= Render(1))[x, y];

    /// <summary>Fills the rectangle with corner (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void FillRectangle(int x, int y, int width, int height, Colour colour)
    {
        if (width > 0 && height > 0) Add(new RectangleMark(x, y, width, height, colour));
    }

    /// <summary>A line from (x0, y0) to (x1, y1), <paramref name="thickness"/> units wide.</summary>
    public void Line(int x0, int y0, int x1, int y1, Colour colour, int thickness = 1)
        => Add(new LineMark(x0, y0, x1, y1, colour, Math.Max(1, thickness)));

    /// <summary>
    /// Writes <paramref name="text"/> with the top of its glyph cells at <paramref name="y"/>, placed against
    /// <paramref name="x"/> as <paramref name="anchor"/> says; each font cell is <paramref name="size"/> units. Vertical
    /// text reads upwards, turned a quarter left about (x, y): its cells' top edge then lies on x.
    /// </summary>
    public void Text(int x, int y, string text, Colour colour, int size = 1, TextAnchor anchor = TextAnchor.Start, TextRole role = TextRole.Label, bool vertical = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0) Add(new TextMark(x, y, text, colour, Math.Max(1, size), anchor, role, vertical));
    }

    /// <summary>
    /// The picture's title at the top left (font size <see cref="Frame.TitleSize"/>) and, when given, a subtitle line
    /// below it; returns the first row below them.
    /// </summary>
    public int Heading(string title, string? subtitle = null, int x = HeadingMargin)
    {
        Text(x, HeadingMargin, title, Colour.Black, Frame.TitleSize, TextAnchor.Start, TextRole.Title);
        int bottom = HeadingMargin + TextHeight(Frame.TitleSize);
        if (string.IsNullOrEmpty(subtitle)) return bottom + 2;
        Text(x, bottom + 2, subtitle, Colour.Muted, Frame.TextSize, TextAnchor.Start, TextRole.Subtitle);
        return bottom + 4 + TextHeight(Frame.TextSize);
    }

    /// <summary>The space left of and above a heading.</summary>
    public const int HeadingMargin = 6;

    /// <summary>The height a heading takes: <see cref="Heading"/>'s return value.</summary>
    public static int HeadingHeight(bool subtitle) => HeadingMargin + TextHeight(Frame.TitleSize) + (subtitle ? 4 + TextHeight(Frame.TextSize) : 2);

    /// <summary>
    /// A greyscale image of <paramref name="imageWidth"/> × <paramref name="imageHeight"/> values in [0, 1] (0 black,
    /// 1 white; row-major) with its top-left corner at (x, y), each value <paramref name="pixelSize"/> units square.
    /// </summary>
    public void Image(int x, int y, ReadOnlySpan<float> values, int imageWidth, int imageHeight, int pixelSize = 1)
    {
        if (values.Length != imageWidth * imageHeight) throw new ArgumentException($"An image of {imageWidth}×{imageHeight} needs {imageWidth * imageHeight} values, got {values.Length}.");
        var grey = new byte[values.Length];
        for (int i = 0; i < grey.Length; i++) grey[i] = PngWriter.ToByte(values[i]);
        Add(new ImageMark(x, y, grey, imageWidth, imageHeight, Math.Max(1, pixelSize)));
    }

    /// <summary>The width in units of <paramref name="text"/> at font size <paramref name="size"/>.</summary>
    public static int MeasureText(string text, int size = 1) => BitmapFont.MeasureWidth(text) * size;

    /// <summary>The height in units of a line of text at font size <paramref name="size"/>.</summary>
    public static int TextHeight(int size = 1) => BitmapFont.Height * size;

    /// <summary>The pixels at <paramref name="scale"/> pixels per unit.</summary>
    public RasterImage Render(int scale = 1) => RasterImage.Render(this, scale);

    /// <summary>The SVG document, <paramref name="scale"/> pixels per unit.</summary>
    public string ToSvg(int scale = 1) => SvgWriter.Write(this, scale);

    /// <summary>
    /// Saves the picture to <paramref name="path"/>, atomically: SVG when it ends in .svg, PNG when it ends in .png
    /// (any case); <paramref name="scale"/> (1–8) pixels per unit.
    /// </summary>
    public void Save(string path, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, MaximumScale);
        switch (PictureFormats.Of(path))
        {
            case PictureFormat.Svg:
                Tensors.AtomicFile.WriteText(path, ToSvg(scale));
                break;
            case PictureFormat.Png:
                var image = Render(scale);
                // A picture without colour (the image grids) is saved as greyscale: a third of the bytes.
                if (image.IsGrey) PngWriter.WriteGray(path, image.Grey(), image.Width, image.Height);
                else PngWriter.WriteRgb(path, image.Rgb, image.Width, image.Height);
                break;
            default:
                throw new ArgumentException($"{path}: a picture is saved as .png or .svg.", nameof(path));
        }
    }

    /// <summary>The largest scale.</summary>
    public const int MaximumScale = 8;

    private void Add(Mark mark)
    {
        _marks.Add(mark);
        _unscaled = null;
    }
}

/// <summary>One thing drawn on a <see cref="Canvas"/>, in picture units.</summary>
public abstract record Mark;

/// <summary>A filled rectangle.</summary>
public sealed record RectangleMark(int X, int Y, int Width, int Height, Colour Colour) : Mark;

/// <summary>A straight line with square ends.</summary>
public sealed record LineMark(int X0, int Y0, int X1, int Y1, Colour Colour, int Thickness) : Mark;

/// <summary>A string of <see cref="BitmapFont"/> text.</summary>
public sealed record TextMark(int X, int Y, string Text, Colour Colour, int Size, TextAnchor Anchor, TextRole Role, bool Vertical) : Mark
{
    /// <summary>The offset of the text's left edge from X along the line of text.</summary>
    public int StartOffset => Anchor switch
    {
        TextAnchor.Middle => -Canvas.MeasureText(Text, Size) / 2,
        TextAnchor.End => -Canvas.MeasureText(Text, Size),
        _ => 0,
    };
}

/// <summary>A greyscale image, one byte per value, each value <see cref="PixelSize"/> units square.</summary>
public sealed record ImageMark(int X, int Y, byte[] Grey, int ImageWidth, int ImageHeight, int PixelSize) : Mark;
