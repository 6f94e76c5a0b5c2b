namespace ScratchVae.Vae.Images;

/// <summary>
/// The plotting area of a chart on a canvas, with its two axes: draws the grid, the axis lines, the tick labels, the
/// axis titles and a legend.
/// </summary>
public sealed class Frame
{
    /// <summary>Tick labels, axis titles and legends are drawn with font cells of this many units.</summary>
    public const int TextSize = 1;

    /// <summary>Titles are drawn with font cells of this many units.</summary>
    public const int TitleSize = 2;

    /// <summary>
    /// A frame spanning pixels <paramref name="left"/> … <paramref name="right"/> and <paramref name="top"/> … <paramref name="bottom"/>,
    /// data ranges given; <paramref name="logX"/> and <paramref name="logY"/> make that axis logarithmic (<see cref="Axis.Log"/>).
    /// </summary>
    public Frame(Canvas canvas, int left, int top, int right, int bottom, (double Low, double High) x, (double Low, double High) y, int xTicks = 5, int yTicks = 5, double xMinimumStep = 0,
                 bool logX = false, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        Canvas = canvas;
        Left = left;
        Top = top;
        Right = right;
        Bottom = bottom;
        X = logX ? Axis.Log(x.Low, x.High, left, right) : new Axis(x.Low, x.High, left, right, xTicks, xMinimumStep);
        Y = logY ? Axis.Log(y.Low, y.High, bottom, top) : new Axis(y.Low, y.High, bottom, top, yTicks);
    }

    /// <summary>The canvas drawn on.</summary>
    public Canvas Canvas { get; }
    /// <summary>Left edge (pixels).</summary>
    public int Left { get; }
    /// <summary>Top edge (pixels).</summary>
    public int Top { get; }
    /// <summary>Right edge (pixels).</summary>
    public int Right { get; }
    /// <summary>Bottom edge (pixels).</summary>
    public int Bottom { get; }
    /// <summary>The horizontal axis.</summary>
    public Axis X { get; }
    /// <summary>The vertical axis (values grow upwards).</summary>
    public Axis Y { get; }

    // The pixels of every point and segment drawn by Series, so that the legend can go where it hides the fewest.
    private readonly List<(int X, int Y)> _drawn = [];

    /// <summary>True when the point lies inside the frame.</summary>
    public bool Contains(int x, int y) => x >= Left && x <= Right && y >= Top && y <= Bottom;

    /// <summary>
    /// Grid lines at the ticks, the axis lines, and tick labels left of the y axis and below the x axis (none on the x
    /// axis when <paramref name="xTicks"/> is false: a chart of categories labels them itself).
    /// </summary>
    public void DrawAxes(Colour? yLabelColour = null, bool xTicks = true)
    {
        foreach (double tick in Y.Ticks())
        {
            int py = Y.Pixel(tick);
            Canvas.Line(Left, py, Right, py, Colour.Grid);
            Canvas.Line(Left - 3, py, Left, py, Colour.Black);
            Canvas.Text(Left - 6, py - (BitmapFont.Ascent * TextSize) / 2, Y.Label(tick), yLabelColour ?? Colour.Black, TextSize, TextAnchor.End, TextRole.Tick);
        }
        foreach (double tick in xTicks ? X.Ticks() : [])
        {
            int px = X.Pixel(tick);
            Canvas.Line(px, Top, px, Bottom, Colour.Grid);
            Canvas.Line(px, Bottom, px, Bottom + 3, Colour.Black);
            Canvas.Text(px, Bottom + 6, X.Label(tick), Colour.Black, TextSize, TextAnchor.Middle, TextRole.Tick);
        }
        Canvas.Line(Left, Bottom, Right, Bottom, Colour.Black);
        Canvas.Line(Left, Top, Left, Bottom, Colour.Black);
    }

    /// <summary>Tick labels of a second vertical axis <paramref name="axis"/> on the right edge (for a second series of another scale).</summary>
    public void DrawRightAxis(Axis axis, Colour colour)
    {
        ArgumentNullException.ThrowIfNull(axis);
        Canvas.Line(Right, Top, Right, Bottom, Colour.Black);
        foreach (double tick in axis.Ticks())
        {
            int py = axis.Pixel(tick);
            Canvas.Line(Right, py, Right + 3, py, colour);
            Canvas.Text(Right + 6, py - (BitmapFont.Ascent * TextSize) / 2, axis.Label(tick), colour, TextSize, TextAnchor.Start, TextRole.Tick);
        }
    }

    /// <summary>The title of the x axis, centred below the tick labels.</summary>
    public void XTitle(string title) => Canvas.Text((Left + Right) / 2, Bottom + 8 + Canvas.TextHeight(TextSize), title, Colour.Black, TextSize, TextAnchor.Middle, TextRole.AxisTitle);

    /// <summary>The title of the y axis, reading upwards at <paramref name="x"/> (the canvas's left edge by default).</summary>
    public void YTitle(string title, int x = 4) => Canvas.Text(x, (Top + Bottom) / 2, title, Colour.Black, TextSize, TextAnchor.Middle, TextRole.AxisTitle, vertical: true);

    /// <summary>The title of the right-hand axis, reading upwards at <paramref name="x"/>.</summary>
    public void RightTitle(string title, int x, Colour colour) => Canvas.Text(x, (Top + Bottom) / 2, title, colour, TextSize, TextAnchor.Middle, TextRole.AxisTitle, vertical: true);

    /// <summary>A polyline through <paramref name="points"/> with a dot at each, scaled by X and <paramref name="yAxis"/> (default Y).</summary>
    public void Series(IReadOnlyList<(double X, double Y)> points, Colour colour, Axis? yAxis = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var y = yAxis ?? Y;
        var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        for (int i = 0; i < finite.Count; i++)
        {
            int px = X.Pixel(finite[i].X), py = y.Pixel(finite[i].Y);
            Canvas.FillRectangle(px - 2, py - 2, 5, 5, colour);
            _drawn.Add((px, py));
            if (i == 0) continue;
            int qx = X.Pixel(finite[i - 1].X), qy = y.Pixel(finite[i - 1].Y);
            Canvas.Line(qx, qy, px, py, colour, thickness: 2);
            int steps = Math.Max(Math.Abs(px - qx), Math.Abs(py - qy));
            for (int k = 1; k < steps; k++) _drawn.Add((qx + (px - qx) * k / steps, qy + (py - qy) * k / steps));
        }
    }

    /// <summary>
    /// A legend in a white box in the corner of the frame where it covers the fewest of the series drawn so far
    /// (top right, top left, bottom right, bottom left, the first of equals).
    /// </summary>
    public void Legend(IReadOnlyList<LegendEntry> entries)
    {
        var (width, height) = Images.Legend.Measure(entries);
        (int X, int Y)[] corners = [(Right - 8 - width, Top + 8), (Left + 8, Top + 8), (Right - 8 - width, Bottom - 8 - height), (Left + 8, Bottom - 8 - height)];
        var best = corners.MinBy(c => _drawn.Count(p => p.X >= c.X - 3 && p.X <= c.X + width + 3 && p.Y >= c.Y - 3 && p.Y <= c.Y + height + 3));
        Images.Legend.Draw(Canvas, best.X, best.Y, entries);
    }
}
