namespace ScratchVae.Vae.Demonstrations.Figures;

/// <summary>The plotting area of a chart on a canvas, with its two axes: draws the grid, the axis lines and the tick labels.</summary>
public sealed class Frame
{
    /// <summary>Labels are drawn with font cells of this many pixels.</summary>
    public const int TextScale = 2;

    /// <summary>A frame spanning pixels <paramref name="left"/> … <paramref name="right"/> and <paramref name="top"/> … <paramref name="bottom"/>, data ranges given.</summary>
    public Frame(Canvas canvas, int left, int top, int right, int bottom, (double Low, double High) x, (double Low, double High) y, int xTicks = 5, int yTicks = 5)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        Canvas = canvas;
        Left = left;
        Top = top;
        Right = right;
        Bottom = bottom;
        X = new Axis(x.Low, x.High, left, right, xTicks);
        Y = new Axis(y.Low, y.High, bottom, top, yTicks);
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

    /// <summary>Grid lines at the ticks, the axis lines, and tick labels left of the y axis and below the x axis.</summary>
    public void DrawAxes(Colour? yLabelColour = null)
    {
        int glyph = PixelFont.Height * TextScale;
        foreach (double tick in Y.Ticks())
        {
            int py = Y.Pixel(tick);
            Canvas.Line(Left, py, Right, py, Colour.Grid);
            string label = Y.Label(tick);
            Canvas.Text(Left - 6 - PixelFont.MeasureWidth(label, TextScale), py - glyph / 2, label, yLabelColour ?? Colour.Black, TextScale);
        }
        foreach (double tick in X.Ticks())
        {
            int px = X.Pixel(tick);
            Canvas.Line(px, Top, px, Bottom, Colour.Grid);
            string label = X.Label(tick);
            Canvas.Text(px - PixelFont.MeasureWidth(label, TextScale) / 2, Bottom + 6, label, Colour.Black, TextScale);
        }
        Canvas.Line(Left, Bottom, Right, Bottom, Colour.Black);
        Canvas.Line(Left, Top, Left, Bottom, Colour.Black);
    }

    /// <summary>Tick labels of a second vertical axis <paramref name="axis"/> on the right edge (for a second series of another scale).</summary>
    public void DrawRightAxis(Axis axis, Colour colour)
    {
        ArgumentNullException.ThrowIfNull(axis);
        int glyph = PixelFont.Height * TextScale;
        Canvas.Line(Right, Top, Right, Bottom, Colour.Black);
        foreach (double tick in axis.Ticks())
        {
            int py = axis.Pixel(tick);
            Canvas.Line(Right, py, Right + 4, py, colour);
            Canvas.Text(Right + 8, py - glyph / 2, axis.Label(tick), colour, TextScale);
        }
    }

    /// <summary>A polyline through <paramref name="points"/> with a dot at each, scaled by X and <paramref name="yAxis"/> (default Y).</summary>
    public void Series(IReadOnlyList<(double X, double Y)> points, Colour colour, Axis? yAxis = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var y = yAxis ?? Y;
        for (int i = 0; i < points.Count; i++)
        {
            int px = X.Pixel(points[i].X), py = y.Pixel(points[i].Y);
            Canvas.FillRectangle(px - 2, py - 2, 5, 5, colour);
            if (i > 0) Canvas.Line(X.Pixel(points[i - 1].X), y.Pixel(points[i - 1].Y), px, py, colour, thickness: 2);
        }
    }
}
