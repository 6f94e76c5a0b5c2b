namespace ScratchVae.Vae.Images;

/// <summary>
/// The layout of a picture of equally sized greyscale images in rows and columns, 1 unit of grey between tiles:
/// a title above, labels left of the rows and below the columns, and axis titles. Rows may be grouped
/// (<see cref="RowGroup"/>), with a gap after each group, so that rows that belong together (an original above its
/// reconstruction) read as one.
/// </summary>
public sealed class TileGrid
{
    private const int Margin = 6, LabelGap = 4;

    /// <summary>A grid of <paramref name="rows"/> × <paramref name="columns"/> tiles of <paramref name="imageHeight"/> × <paramref name="imageWidth"/> values.</summary>
    public TileGrid(int rows, int columns, int imageHeight, int imageWidth)
    {
        if (rows < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"A grid needs at least one row and column, not {rows}×{columns}.");
        if (imageHeight < 1 || imageWidth < 1) throw new ArgumentOutOfRangeException(nameof(imageHeight), $"Tiles need a positive size, not {imageHeight}×{imageWidth}.");
        Rows = rows;
        Columns = columns;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
    }

    /// <summary>Rows of tiles.</summary>
    public int Rows { get; }
    /// <summary>Columns of tiles.</summary>
    public int Columns { get; }
    /// <summary>Values per image column.</summary>
    public int ImageHeight { get; }
    /// <summary>Values per image row.</summary>
    public int ImageWidth { get; }
    /// <summary>The picture's title.</summary>
    public string Title { get; init; } = "";
    /// <summary>A line under the title, or null.</summary>
    public string? Subtitle { get; init; }
    /// <summary>A label left of each row, or null.</summary>
    public IReadOnlyList<string>? RowLabels { get; init; }
    /// <summary>A label below each column, or null; labels that would collide are thinned out, the first kept.</summary>
    public IReadOnlyList<string>? ColumnLabels { get; init; }
    /// <summary>The title of the horizontal direction, below the column labels, or null.</summary>
    public string? XTitle { get; init; }
    /// <summary>The title of the vertical direction, reading upwards left of the row labels, or null.</summary>
    public string? YTitle { get; init; }
    /// <summary>Rows per group; a gap follows each group.</summary>
    public int RowGroup { get; init; } = 1;

    // The gap after each group of rows; none when rows are not grouped.
    private int GroupGap => RowGroup > 1 ? 6 : 0;
    private int TileWidth => ImageWidth + 1;
    private int TileHeight => ImageHeight + 1;
    private int GridWidth => Columns * TileWidth + 1;
    private int Groups => (Rows + RowGroup - 1) / RowGroup;
    private int GridHeight => Rows * TileHeight + 1 + (Groups - 1) * GroupGap;
    private int LabelHeight => Canvas.TextHeight(Frame.TextSize);

    /// <summary>The left edge of the grid's border.</summary>
    public int GridLeft => Margin + (YTitle is null ? 0 : LabelHeight + LabelGap)
        + (RowLabels is null || RowLabels.Count == 0 ? 0 : RowLabels.Max(l => Canvas.MeasureText(l, Frame.TextSize)) + LabelGap);

    /// <summary>The top edge of the grid's border.</summary>
    public int GridTop => Canvas.HeadingHeight(Subtitle is not null) + LabelGap;

    /// <summary>The picture's width.</summary>
    public int Width => Math.Max(GridLeft + GridWidth + Margin,
        2 * Canvas.HeadingMargin + Math.Max(Canvas.MeasureText(Title, Frame.TitleSize), Canvas.MeasureText(Subtitle ?? "", Frame.TextSize)));

    /// <summary>The picture's height.</summary>
    public int Height => GridTop + GridHeight + (ColumnLabels is null ? 0 : LabelGap + LabelHeight) + (XTitle is null ? 0 : LabelGap + LabelHeight) + Margin;

    /// <summary>The top-left unit of the image in tile (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public (int X, int Y) Origin(int row, int column) => (GridLeft + 1 + column * TileWidth, GridTop + 1 + row * TileHeight + row / RowGroup * GroupGap);

    /// <summary>
    /// Draws the grid with <paramref name="tiles"/>[r · Columns + c] in tile (r, c): each ImageHeight × ImageWidth
    /// values in [0, 1], or null for an empty tile.
    /// </summary>
    public Canvas Draw(IReadOnlyList<float[]?> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count > Rows * Columns) throw new ArgumentException($"{tiles.Count} tiles do not fit {Rows}×{Columns}.", nameof(tiles));
        var canvas = new Canvas(Width, Height);
        canvas.Heading(Title, Subtitle);
        for (int group = 0; group < Groups; group++)
        {
            int rows = Math.Min(RowGroup, Rows - group * RowGroup);
            var (_, top) = Origin(group * RowGroup, 0);
            canvas.FillRectangle(GridLeft, top - 1, GridWidth, rows * TileHeight + 1, Colour.Border);
        }
        for (int i = 0; i < tiles.Count; i++)
        {
            if (tiles[i] is not { } image) continue;
            var (x, y) = Origin(i / Columns, i % Columns);
            canvas.Image(x, y, image, ImageWidth, ImageHeight);
        }
        if (RowLabels is not null)
            for (int row = 0; row < Math.Min(Rows, RowLabels.Count); row++)
            {
                var (_, y) = Origin(row, 0);
                canvas.Text(GridLeft - LabelGap, y + (ImageHeight - BitmapFont.Ascent * Frame.TextSize) / 2, RowLabels[row], Colour.Black, Frame.TextSize, TextAnchor.End, TextRole.Tick);
            }
        int below = GridTop + GridHeight + LabelGap;
        if (ColumnLabels is not null && ColumnLabels.Count > 0)
        {
            int widest = ColumnLabels.Max(l => Canvas.MeasureText(l, Frame.TextSize));
            int every = Math.Max(1, (widest + LabelGap + TileWidth - 1) / TileWidth);
            for (int column = 0; column < Math.Min(Columns, ColumnLabels.Count); column += every)
            {
                var (x, _) = Origin(0, column);
                canvas.Text(x + ImageWidth / 2, below, ColumnLabels[column], Colour.Black, Frame.TextSize, TextAnchor.Middle, TextRole.Tick);
            }
            below += LabelHeight + LabelGap;
        }
        if (XTitle is not null)
            canvas.Text(GridLeft + GridWidth / 2, below, XTitle, Colour.Black, Frame.TextSize, TextAnchor.Middle, TextRole.AxisTitle);
        if (YTitle is not null)
            canvas.Text(Margin, GridTop + GridHeight / 2, YTitle, Colour.Black, Frame.TextSize, TextAnchor.Middle, TextRole.AxisTitle, vertical: true);
        return canvas;
    }
}
