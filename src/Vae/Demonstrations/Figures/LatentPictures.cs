// Shape legend: N images, D pixels (H × W), Z = 2 latent dimensions, G × G manifold tiles.
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Images;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Demonstrations.Figures;

/// <summary>Pictures of a two-dimensional latent space: the decoded manifold and the encoded test set coloured by label.</summary>
public static class LatentPictures
{
    /// <summary>
    /// The decoder's pixel means sigmoid(logits(z)) over a G × G grid of z evenly spaced in [−<paramref name="extent"/>,
    /// +<paramref name="extent"/>]²: z₁ grows left to right, z₂ bottom to top (as the axes of <see cref="WriteScatter"/>).
    /// Returns the G·G images, row by row from the top.
    /// </summary>
    public static float[] Manifold(VaeModel<float> model, int grid, double extent)
    {
        RequireTwoDimensions(model);
        if (grid < 2) throw new ArgumentOutOfRangeException(nameof(grid), grid, "The manifold needs a grid of at least 2 × 2.");
        var z = new float[grid * grid * 2];
        for (int row = 0; row < grid; row++)
            for (int column = 0; column < grid; column++)
            {
                int tile = row * grid + column;
                z[2 * tile] = (float)(-extent + 2 * extent * column / (grid - 1));
                z[2 * tile + 1] = (float)(extent - 2 * extent * row / (grid - 1));
            }
        using var scope = Tape.NoGrad();
        using var latent = Tensor<float>.FromArray(z, Shape.Matrix(grid * grid, 2), model.Device);
        return model.DecodeMeans(Var<float>.Constant(latent)).Value.ToArray();
    }

    /// <summary>Writes <see cref="Manifold"/> as a greyscale grid PNG.</summary>
    public static void WriteManifold(VaeModel<float> model, string path, int height, int width, int grid = 15, double extent = 2.5)
    {
        var images = Manifold(model, grid, extent);
        ImageGrid.Write(path, images, grid * grid, height, width, grid);
    }

    /// <summary>μ(x) of every image of <paramref name="set"/> [N, 2], row by row.</summary>
    public static float[] Encode(VaeModel<float> model, ImageDataSet set)
    {
        RequireTwoDimensions(model);
        ArgumentNullException.ThrowIfNull(set);
        using var scope = Tape.NoGrad();
        using var inputs = Tensor<float>.FromArray(set.Pixels, Shape.Matrix(set.Count, set.PixelsPerImage), model.Device);
        var (mu, _) = model.Encode(Var<float>.Constant(inputs));
        return mu.Value.ToArray();
    }

    /// <summary>
    /// The test set encoded to z = μ(x), one dot per image coloured by its label (<see cref="Colour.Categories"/>), with
    /// axes, tick labels and a legend of the ten labels.
    /// </summary>
    public static void WriteScatter(VaeModel<float> model, ImageDataSet set, string path, int size = 480)
    {
        var points = Encode(model, set);
        DrawScatter(points, set.Labels, size).Save(path);
    }

    /// <summary>Draws the dots of <paramref name="points"/> [N, 2] coloured by <paramref name="labels"/> on a new canvas.</summary>
    public static Canvas DrawScatter(ReadOnlySpan<float> points, ReadOnlySpan<byte> labels, int size = 480)
    {
        if (points.Length != 2 * labels.Length) throw new ArgumentException($"{labels.Length} labels need {2 * labels.Length} coordinates, got {points.Length}.");
        const int left = 50, top = 30, legendWidth = 60;
        var canvas = new Canvas(size + legendWidth, size);
        // Symmetric limits that hold all but the most extreme 0.5% of coordinates, so outliers do not shrink the cloud.
        var magnitudes = points.ToArray().Select(v => Math.Abs((double)v)).Order().ToArray();
        double limit = magnitudes.Length == 0 ? 1 : magnitudes[(int)Math.Min(magnitudes.Length - 1, Math.Floor(0.995 * magnitudes.Length))];
        var frame = new Frame(canvas, left, top, size - 20, size - 40, (-limit, limit), (-limit, limit));
        frame.DrawAxes();
        canvas.Text(left, 8, "Z = MU(X), COLOUR = LABEL", Colour.Black);
        for (int i = 0; i < labels.Length; i++)
        {
            int px = frame.X.Pixel(points[2 * i]), py = frame.Y.Pixel(points[2 * i + 1]);
            if (px < frame.Left || px > frame.Right || py < frame.Top || py > frame.Bottom) continue;
            canvas.FillRectangle(px - 1, py - 1, 3, 3, Colour.Categories[labels[i] % Colour.Categories.Count]);
        }
        for (int label = 0; label < Colour.Categories.Count; label++)
        {
            int y = top + 10 + label * 20;
            canvas.FillRectangle(size + 4, y, 10, 10, Colour.Categories[label]);
            canvas.Text(size + 20, y, label.ToString(System.Globalization.CultureInfo.InvariantCulture), Colour.Black);
        }
        return canvas;
    }

    private static void RequireTwoDimensions(VaeModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Options.LatentSize != 2)
            throw new ArgumentException($"These pictures need a model with 2 latent dimensions (train with --latent 2); this one has {model.Options.LatentSize}.", nameof(model));
    }
}
