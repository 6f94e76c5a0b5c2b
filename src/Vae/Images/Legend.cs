namespace ScratchVae.Vae.Images;

/// <summary>How a legend entry shows its colour.</summary>
public enum LegendSymbol
{
    /// <summary>A short line with a dot: a series.</summary>
    Line,
    /// <summary>A filled square: a class of points.</summary>
    Square,
}

/// <summary>One line of a legend: a colour swatch and what it stands for.</summary>
public sealed record LegendEntry(string Label, Colour Colour, LegendSymbol Symbol = LegendSymbol.Line);

/// <summary>A boxed list of swatches and labels, one entry a line.</summary>
public static class Legend
{
    private const int Padding = 5, Swatch = 16, Gap = 5, Spacing = 3;

    /// <summary>The box's size in units.</summary>
    public static (int Width, int Height) Measure(IReadOnlyList<LegendEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        int text = entries.Count == 0 ? 0 : entries.Max(e => Canvas.MeasureText(e.Label, Frame.TextSize));
        int line = Canvas.TextHeight(Frame.TextSize) + Spacing;
        return (2 * Padding + Swatch + Gap + text, 2 * Padding + entries.Count * line - Spacing);
    }

    /// <summary>The entries side by side in one unboxed line from (<paramref name="x"/>, <paramref name="y"/>), for a legend above a chart.</summary>
    public static void DrawRow(Canvas canvas, int x, int y, IReadOnlyList<LegendEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(entries);
        int middle = y + BitmapFont.Ascent * Frame.TextSize / 2;
        foreach (var entry in entries)
        {
            DrawSwatch(canvas, x, middle, entry);
            canvas.Text(x + Swatch + Gap, y, entry.Label, Colour.Black, Frame.TextSize, TextAnchor.Start, TextRole.Legend);
            x += Swatch + Gap + Canvas.MeasureText(entry.Label, Frame.TextSize) + 4 * Gap;
        }
    }

    private static void DrawSwatch(Canvas canvas, int x, int middle, LegendEntry entry)
    {
        if (entry.Symbol == LegendSymbol.Line)
        {
            canvas.Line(x, middle, x + Swatch - 1, middle, entry.Colour, thickness: 2);
            canvas.FillRectangle(x + Swatch / 2 - 2, middle - 2, 5, 5, entry.Colour);
        }
        else canvas.FillRectangle(x + Swatch / 2 - 4, middle - 3, 8, 8, entry.Colour);
    }

    /// <summary>Draws the legend with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static void Draw(Canvas canvas, int x, int y, IReadOnlyList<LegendEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        var (width, height) = Measure(entries);
        canvas.FillRectangle(x, y, width, height, Colour.White);
        canvas.Line(x, y, x + width - 1, y, Colour.Border);
        canvas.Line(x, y + height - 1, x + width - 1, y + height - 1, Colour.Border);
        canvas.Line(x, y, x, y + height - 1, Colour.Border);
        canvas.Line(x + width - 1, y, x + width - 1, y + height - 1, Colour.Border);
        int line = Canvas.TextHeight(Frame.TextSize) + Spacing;
        for (int i = 0; i < entries.Count; i++)
        {
            int top = y + Padding + i * line, middle = top + BitmapFont.Ascent * Frame.TextSize / 2;
            var entry = entries[i];
            DrawSwatch(canvas, x + Padding, middle, entry);
            canvas.Text(x + Padding + Swatch + Gap, top, entry.Label, Colour.Black, Frame.TextSize, TextAnchor.Start, TextRole.Legend);
        }
    }
}
