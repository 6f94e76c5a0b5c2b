// Shape legend: N images, D pixels (H × W), Z latent dimensions, G × G manifold tiles.
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Images;

/// <summary>Pictures of a latent space: the decoded manifold on an even grid, and the encoded test set coloured by label.</summary>
public static class LatentPictures
{
    /// <summary>
    /// The decoder's pixel means sigmoid(logits(z)) over a G × G grid of z evenly spaced in [−<paramref name="extent"/>,
    /// +<paramref name="extent"/>]²: z₁ grows left to right, z₂ bottom to top (as the axes of <see cref="DrawScatter(ReadOnlySpan{float}, ReadOnlySpan{byte}, string?)"/>).
    /// Returns the G·G images, row by row from the top.
    /// </summary>
    public static float[] Manifold(VaeModel<float> model, int grid, double extent)
    {
        RequireTwoDimensions(model);
        if (grid < 2) throw new ArgumentOutOfRangeException(nameof(grid), grid, "The manifold needs a grid of at least 2 × 2.");
        var values = EvenValues(grid, extent);
        var z = new float[grid * grid * 2];
        for (int row = 0; row < grid; row++)
            for (int column = 0; column < grid; column++)
            {
                int tile = row * grid + column;
                z[2 * tile] = (float)values[column];
                z[2 * tile + 1] = (float)values[grid - 1 - row];
            }
        using var scope = Tape.NoGrad();
        using var latent = Tensor<float>.FromArray(z, Shape.Matrix(grid * grid, 2), model.Device);
        return model.DecodeMeans(Var<float>.Constant(latent)).Value.ToArray();
    }

    /// <summary>The <paramref name="grid"/> values −extent + 2·extent·k / (grid − 1), k = 0 … grid − 1.</summary>
    public static double[] EvenValues(int grid, double extent) => Enumerable.Range(0, grid).Select(k => -extent + 2 * extent * k / (grid - 1)).ToArray();

    /// <summary><see cref="Manifold"/> drawn with its z values on both axes.</summary>
    public static Canvas DrawManifold(VaeModel<float> model, int height, int width, int grid = 15, double extent = 2.5)
    {
        var images = Manifold(model, grid, extent);
        var values = EvenValues(grid, extent);
        string subtitle = string.Create(CultureInfo.InvariantCulture, $"z evenly spaced in [−{extent:0.##}, {extent:0.##}]², pixel means");
        return Pictures.ManifoldGrid(values, values.Reverse().ToList(), height, width, subtitle).Draw(Pictures.Split(images, grid * grid));
    }

    /// <summary>Writes <see cref="DrawManifold"/> to <paramref name="path"/>.</summary>
    public static void WriteManifold(VaeModel<float> model, string path, int height, int width, int grid = 15, double extent = 2.5, int scale = 1)
        => DrawManifold(model, height, width, grid, extent).Save(path, scale);

    /// <summary>μ(x) of every image of <paramref name="set"/> [N, 2], row by row.</summary>
    public static float[] Encode(VaeModel<float> model, ImageDataSet set)
    {
        RequireTwoDimensions(model);
        ArgumentNullException.ThrowIfNull(set);
        return model.Encode(set.Pixels).Mu;
    }

    /// <summary>The test set encoded to z = μ(x), one dot per image coloured by its label (<see cref="WriteScatter"/>).</summary>
    public static void WriteScatter(VaeModel<float> model, ImageDataSet set, string path, int scale = 1)
    {
        var points = Encode(model, set);
        DrawScatter(points, set.Labels, $"{set.Count} test images, z = μ(x)").Save(path, scale);
    }

    /// <summary>Draws the dots of <paramref name="points"/> [N, 2] coloured by <paramref name="labels"/> on a new canvas.</summary>
    public static Canvas DrawScatter(ReadOnlySpan<float> points, ReadOnlySpan<byte> labels, string? subtitle = null)
    {
        if (points.Length != 2 * labels.Length) throw new ArgumentException($"{labels.Length} labels need {2 * labels.Length} coordinates, got {points.Length}.");
        var xs = new double[labels.Length];
        var ys = new double[labels.Length];
        var classes = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            xs[i] = points[2 * i];
            ys[i] = points[2 * i + 1];
            classes[i] = labels[i];
        }
        return DrawScatter(xs, ys, classes, 10, subtitle);
    }

    /// <summary>
    /// The half-width of the scatter's square axes: the largest |coordinate| once the most extreme 0.5% are left out,
    /// so that outliers do not shrink the cloud.
    /// </summary>
    public static double ScatterLimit(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        var magnitudes = xs.Concat(ys).Where(double.IsFinite).Select(Math.Abs).Order().ToArray();
        double limit = magnitudes.Length == 0 ? 1 : magnitudes[(int)Math.Min(magnitudes.Length - 1, Math.Floor(0.995 * magnitudes.Length))];
        return limit > 0 ? limit : 1;
    }

    /// <summary>
    /// Points (<paramref name="xs"/>[i], <paramref name="ys"/>[i]) as 3 × 3 dots in the colour of <paramref name="labels"/>[i]
    /// (<see cref="Colour.Categories"/>, in data order so that no class hides another entirely), on square axes z₁ and
    /// z₂ with tick labels and a legend of the <paramref name="classes"/> labels. Non-finite points are left out.
    /// </summary>
    public static Canvas DrawScatter(IReadOnlyList<double> xs, IReadOnlyList<double> ys, IReadOnlyList<int> labels, int classes = 10, string? subtitle = null)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        ArgumentNullException.ThrowIfNull(labels);
        if (xs.Count != ys.Count || xs.Count != labels.Count)
            throw new ArgumentException($"A scatter plot needs as many x ({xs.Count}), y ({ys.Count}) and labels ({labels.Count}).");
        const int size = 420, left = 64, legendWidth = 70;
        int top = Canvas.HeadingHeight(true) + 12;
        var canvas = new Canvas(left + size + 16 + legendWidth, top + size + 46);
        canvas.Heading("The test set in latent space", subtitle ?? $"{xs.Count} images, z = μ(x)");
        double limit = ScatterLimit(xs, ys);
        var frame = new Frame(canvas, left, top, left + size, top + size, (-limit, limit), (-limit, limit));
        frame.DrawAxes();
        frame.XTitle("z₁");
        frame.YTitle("z₂", 6);
        for (int i = 0; i < labels.Count; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) continue;
            int px = frame.X.Pixel(xs[i]), py = frame.Y.Pixel(ys[i]);
            if (!frame.Contains(px, py)) continue;
            canvas.FillRectangle(px - 1, py - 1, 3, 3, ClassColour(labels[i]));
        }
        var entries = Enumerable.Range(0, classes).Select(k => new LegendEntry(k.ToString(CultureInfo.InvariantCulture), ClassColour(k), LegendSymbol.Square)).ToList();
        canvas.Text(left + size + 16, top, "label", Colour.Black, Frame.TextSize, TextAnchor.Start, TextRole.Label);
        Legend.Draw(canvas, left + size + 16, top + Canvas.TextHeight(Frame.TextSize) + 4, entries);
        return canvas;
    }

    /// <summary>The colour of class <paramref name="label"/> (classes beyond ten reuse the colours cyclically).</summary>
    public static Colour ClassColour(int label) => Colour.Categories[((label % Colour.Categories.Count) + Colour.Categories.Count) % Colour.Categories.Count];

    private static void RequireTwoDimensions(VaeModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Options.LatentSize != 2)
            throw new ArgumentException($"These pictures need a model with 2 latent dimensions (train with --latent 2); this one has {model.Options.LatentSize}.", nameof(model));
    }
}
