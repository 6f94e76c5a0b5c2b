// Shape legend: N pictures, Z latent dimensions, D pixels (H × W).
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Images;

/// <summary>
/// The pictures a trained model produces: samples from the prior, reconstructions, interpolations, latent manifolds
/// and loss curves, each titled and labelled. The Write methods save .png or .svg by the path's extension.
/// </summary>
public static class Pictures
{
    /// <summary>Writes samples.png, reconstructions.png and loss.png into <paramref name="folder"/>.</summary>
    public static void WriteTrainingPictures(Trainer trainer, string folder, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var model = trainer.Model;
        var set = trainer.Data.Test;
        WriteSamples(model, Path.Combine(folder, "samples.png"), set.Height, set.Width, Seeds.Derive(trainer.Options.Seed, Seeds.Pictures), scale: scale);
        WriteReconstructions(model, set, Path.Combine(folder, "reconstructions.png"), pairs: 16, scale);
        WriteLossCurves(trainer.History, Path.Combine(folder, "loss.png"), scale);
    }

    /// <summary>The layout of <paramref name="count"/> samples in <paramref name="columns"/> columns.</summary>
    public static TileGrid SampleGrid(int count, int columns, int height, int width, string? subtitle = null) =>
        new((count + columns - 1) / columns, columns, height, width)
        {
            Title = "Samples from the prior",
            Subtitle = subtitle ?? $"decode(z) for {count} draws z ∼ N(0, I): pixel means",
        };

    /// <summary>
    /// <paramref name="count"/> decoded samples z ~ N(0, I) (the Philox normal stream of <paramref name="seed"/>), as a
    /// grid of pixel means sigmoid(logits) in <paramref name="columns"/> columns (8 for the default 64).
    /// </summary>
    public static Canvas DrawSamples(VaeModel<float> model, int height, int width, ulong seed, int count = 64, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = Tape.NoGrad();
        using var z = Tensor<float>.Normal(new Shape(count, model.Options.LatentSize), seed, device: model.Device);
        var means = model.DecodeMeans(Var<float>.Constant(z)).Value.ToArray();
        return SampleGrid(count, columns, height, width).Draw(Split(means, count));
    }

    /// <summary>Writes <see cref="DrawSamples"/> to <paramref name="path"/>.</summary>
    public static void WriteSamples(VaeModel<float> model, string path, int height, int width, ulong seed, int count = 64, int columns = 8, int scale = 1)
        => DrawSamples(model, height, width, seed, count, columns).Save(path, scale);

    /// <summary>Pixel means decode(z) for the rows of <paramref name="latents"/> [N, Z], on the model's device.</summary>
    public static float[] Decode(VaeModel<float> model, float[] latents)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(latents);
        int latent = model.Options.LatentSize;
        if (latents.Length % latent != 0) throw new ArgumentException($"{latents.Length} values are not whole rows of {latent} latent dimensions.");
        using var scope = Tape.NoGrad();
        var z = Var<float>.Constant(Tensor<float>.FromArray(latents, new Shape(latents.Length / latent, latent), model.Device), takeOwnership: true);
        return model.DecodeMeans(z).Value.ToArray();
    }

    /// <summary>
    /// The layout of an interpolation: test image <paramref name="from"/>, the steps t = 0 … 1, test image
    /// <paramref name="to"/>, in one row; the subtitle names the images' labels when given.
    /// </summary>
    public static TileGrid InterpolationGrid(int steps, int height, int width, int from, int to, int? fromLabel = null, int? toLabel = null)
    {
        var labels = new List<string> { BitmapFont.Subscript("x", from) };
        for (int k = 0; k < steps; k++) labels.Add(((double)k / (steps - 1)).ToString("0.##", CultureInfo.InvariantCulture));
        labels.Add(BitmapFont.Subscript("x", to));
        string muFrom = $"μ({BitmapFont.Subscript("x", from)})", muTo = $"μ({BitmapFont.Subscript("x", to)})";
        string Image(int index, int? label) => $"test image {index}" + (label is int l ? $" (label {l})" : "");
        return new TileGrid(1, steps + 2, height, width)
        {
            Title = "Interpolation",
            Subtitle = $"{Image(from, fromLabel)} to {Image(to, toLabel)}: decode((1 − t)·{muFrom} + t·{muTo})",
            ColumnLabels = labels,
            XTitle = "t",
        };
    }

    /// <summary>
    /// The line from mu(x_from) to mu(x_to) in latent space: <paramref name="steps"/> points
    /// z_t = (1 − t) · mu(x_from) + t · mu(x_to), t = k / (steps − 1), decoded and shown in one row between the two
    /// test images themselves, the ends labelled with the images' indices and the steps with t.
    /// </summary>
    public static Canvas DrawInterpolation(VaeModel<float> model, ImageDataSet set, int from, int to, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "An interpolation needs at least 2 steps (its two ends).");
        int latent = model.Options.LatentSize;
        var ends = LatentCodes.Means(model, set, [from, to]);
        var latents = new float[steps * latent];
        for (int k = 0; k < steps; k++)
        {
            double t = (double)k / (steps - 1);
            for (int j = 0; j < latent; j++) latents[k * latent + j] = (float)((1 - t) * ends[j] + t * ends[latent + j]);
        }
        var tiles = new List<float[]?> { set.Image(from).ToArray() };
        tiles.AddRange(Split(Decode(model, latents), steps));
        tiles.Add(set.Image(to).ToArray());
        return InterpolationGrid(steps, set.Height, set.Width, from, to, set.Labels[from], set.Labels[to]).Draw(tiles);
    }

    /// <summary>Writes <see cref="DrawInterpolation"/> to <paramref name="path"/>.</summary>
    public static void WriteInterpolation(VaeModel<float> model, ImageDataSet set, string path, int from, int to, int steps, int scale = 1)
        => DrawInterpolation(model, set, from, to, steps).Save(path, scale);

    /// <summary>
    /// The latent points of a <paramref name="grid"/> × <paramref name="grid"/> manifold picture, [grid², Z] row by row:
    /// tile (r, c) has z₁ = Φ⁻¹((c + ½) / grid) (growing to the right) and z₂ = Φ⁻¹(1 − (r + ½) / grid) (growing
    /// upwards), evenly spaced in probability under the prior N(0, 1) as in Kingma &amp; Welling's figures; every
    /// other dimension is held at 0, the prior's mean.
    /// </summary>
    public static float[] ManifoldLatents(int grid, int latentSize)
    {
        if (grid < 1) throw new ArgumentOutOfRangeException(nameof(grid), grid, "The grid needs at least one tile per side.");
        if (latentSize < 2) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "A 2-D manifold needs at least 2 latent dimensions.");
        var latents = new float[grid * grid * latentSize];
        var values = ManifoldValues(grid);
        for (int r = 0; r < grid; r++)
            for (int c = 0; c < grid; c++)
            {
                int row = r * grid + c;
                latents[row * latentSize] = (float)values[c];
                latents[row * latentSize + 1] = (float)values[grid - 1 - r];
            }
        return latents;
    }

    /// <summary>The z values of the manifold's columns, left to right (and of its rows, bottom to top): Φ⁻¹((k + ½) / grid).</summary>
    public static double[] ManifoldValues(int grid) => Enumerable.Range(0, grid).Select(k => NormalQuantile.Of((k + 0.5) / grid)).ToArray();

    /// <summary>
    /// The layout of a manifold: <paramref name="columnValues"/> (z₁, left to right) below the columns and
    /// <paramref name="rowValues"/> (z₂, top to bottom) beside the rows.
    /// </summary>
    public static TileGrid ManifoldGrid(IReadOnlyList<double> columnValues, IReadOnlyList<double> rowValues, int height, int width, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(columnValues);
        ArgumentNullException.ThrowIfNull(rowValues);
        return new TileGrid(rowValues.Count, columnValues.Count, height, width)
        {
            Title = "The decoder over a grid of z",
            Subtitle = subtitle,
            ColumnLabels = columnValues.Select(Tick).ToList(),
            RowLabels = rowValues.Select(Tick).ToList(),
            XTitle = "z₁",
            YTitle = "z₂",
        };
    }

    /// <summary>Decodes <see cref="ManifoldLatents"/>: the grid of pixel means, z₁ and z₂ written along its edges.</summary>
    public static Canvas DrawManifold(VaeModel<float> model, int grid, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(model);
        var decoded = Decode(model, ManifoldLatents(grid, model.Options.LatentSize));
        var values = ManifoldValues(grid);
        int latent = model.Options.LatentSize;
        string held = latent > 2 ? $"; {BitmapFont.Subscript("z", 3)}{(latent > 3 ? " … " + BitmapFont.Subscript("z", latent) : "")} held at 0" : "";
        string subtitle = $"z = Φ⁻¹ of an even grid in (0, 1)², pixel means{held}";
        return ManifoldGrid(values, values.Reverse().ToList(), height, width, subtitle).Draw(Split(decoded, grid * grid));
    }

    /// <summary>Writes <see cref="DrawManifold"/> to <paramref name="path"/>.</summary>
    public static void WriteManifold(VaeModel<float> model, string path, int grid, int height, int width, int scale = 1)
        => DrawManifold(model, grid, height, width).Save(path, scale);

    /// <summary>
    /// The layout of <paramref name="pairs"/> reconstructions, <paramref name="columns"/> a row: a row of originals
    /// above the row of their reconstructions, labelled.
    /// </summary>
    public static TileGrid ReconstructionGrid(int pairs, int height, int width, int columns = 8)
    {
        columns = Math.Max(1, Math.Min(columns, pairs));
        int rows = 2 * ((pairs + columns - 1) / columns);
        return new TileGrid(rows, columns, height, width)
        {
            Title = "Reconstructions",
            Subtitle = $"the first {pairs} test images x above decode(μ(x))",
            RowLabels = Enumerable.Range(0, rows).Select(r => r % 2 == 0 ? "original" : "reconstruction").ToList(),
            RowGroup = 2,
        };
    }

    /// <summary>
    /// mu(x) [N, Z] and the reconstructions sigmoid(decode(mu(x))) [N, D] of the first <paramref name="count"/> images
    /// of <paramref name="set"/>, in one batch on the model's device: what <c>reconstruct</c> draws (and writes with --values).
    /// </summary>
    public static (float[] Mu, float[] Reconstructions) Reconstruct(VaeModel<float> model, ImageDataSet set, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        using var scope = Tape.NoGrad();
        using var inputs = Tensor<float>.FromArray(set.Pixels.AsSpan(0, count * set.PixelsPerImage), new Shape(count, set.PixelsPerImage), model.Device);
        var (mu, _) = model.Encode(Var<float>.Constant(inputs));
        return (mu.Value.ToArray(), model.DecodeMeans(mu).Value.ToArray());
    }

    /// <summary>The first <paramref name="pairs"/> test images, each row of them above a row of their reconstructions decode(mu(x)).</summary>
    public static Canvas DrawReconstructions(VaeModel<float> model, ImageDataSet set, int pairs, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        pairs = Math.Min(pairs, set.Count);
        var outputs = Split(Reconstruct(model, set, pairs).Reconstructions, pairs);
        var grid = ReconstructionGrid(pairs, set.Height, set.Width, columns);
        var tiles = new float[]?[grid.Rows * grid.Columns];
        for (int i = 0; i < pairs; i++)
        {
            int row = 2 * (i / grid.Columns), column = i % grid.Columns;
            tiles[row * grid.Columns + column] = set.Image(i).ToArray();
            tiles[(row + 1) * grid.Columns + column] = outputs[i];
        }
        return grid.Draw(tiles);
    }

    /// <summary>Writes <see cref="DrawReconstructions"/> to <paramref name="path"/>.</summary>
    public static void WriteReconstructions(VaeModel<float> model, ImageDataSet set, string path, int pairs, int scale = 1)
        => DrawReconstructions(model, set, pairs).Save(path, scale);

    /// <summary>Training and test loss per epoch (<see cref="CurvePicture.DrawLoss"/>).</summary>
    public static void WriteLossCurves(IReadOnlyList<EpochMetrics> history, string path, int scale = 1) => CurvePicture.WriteLoss(history, path, scale);

    /// <summary><paramref name="count"/> images of equal size, cut from one array.</summary>
    public static float[]?[] Split(float[] values, int count)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (count < 1 || values.Length % count != 0) throw new ArgumentException($"{values.Length} values are not {count} images of one size.");
        int size = values.Length / count;
        return Enumerable.Range(0, count).Select(i => (float[]?)values.AsSpan(i * size, size).ToArray()).ToArray();
    }

    /// <summary>A z value as a tick label: at most two decimals, "-1.28", "0", "0.67".</summary>
    public static string Tick(double value)
    {
        if (Math.Abs(value) < 0.005) value = 0;
        return value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
