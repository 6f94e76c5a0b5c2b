// Shape legend: N pictures, Z latent dimensions, D pixels (H × W).
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Images;

/// <summary>The pictures a trained model produces: samples from the prior, reconstructions, interpolations, latent manifolds and loss curves.</summary>
public static class Pictures
{
    /// <summary>Colours of the loss curves in loss.png: training loss blue, test loss orange.</summary>
    public static readonly (byte R, byte G, byte B) TrainColour = (31, 119, 180), TestColour = (255, 127, 14);

    /// <summary>Writes samples.png, reconstructions.png and loss.png into <paramref name="folder"/>.</summary>
    public static void WriteTrainingPictures(Trainer trainer, string folder)
    {
        var model = trainer.Model;
        var set = trainer.Data.Test;
        WriteSamples(model, Path.Combine(folder, "samples.png"), set.Height, set.Width, Seeds.Derive(trainer.Options.Seed, Seeds.Pictures));
        WriteReconstructions(model, set, Path.Combine(folder, "reconstructions.png"), pairs: 16);
        WriteLossCurves(trainer.History, Path.Combine(folder, "loss.png"));
    }

    /// <summary>
    /// <paramref name="count"/> decoded samples z ~ N(0, I) (the Philox normal stream of <paramref name="seed"/>), as a
    /// grid of pixel means sigmoid(logits) in <paramref name="columns"/> columns (8 for the default 64).
    /// </summary>
    public static void WriteSamples(VaeModel<float> model, string path, int height, int width, ulong seed, int count = 64, int columns = 8)
    {
        using var scope = Tape.NoGrad();
        using var z = Tensor<float>.Normal(new Shape(count, model.Options.LatentSize), seed, device: model.Device);
        var means = model.DecodeMeans(Var<float>.Constant(z)).Value.ToArray();
        ImageGrid.Write(path, means, count, height, width, columns);
    }

    /// <summary>Pixel means decode(z) for the rows of <paramref name="latents"/> [N, Z], on the model's device.</summary>
    public static float[] Decode(VaeModel<float> model, float[] latents)
    {
        int latent = model.Options.LatentSize;
        if (latents.Length % latent != 0) throw new ArgumentException($"{latents.Length} values are not whole rows of {latent} latent dimensions.");
        using var scope = Tape.NoGrad();
        var z = Var<float>.Constant(Tensor<float>.FromArray(latents, new Shape(latents.Length / latent, latent), model.Device), takeOwnership: true);
        return model.DecodeMeans(z).Value.ToArray();
    }

    /// <summary>
    /// The line from mu(x_from) to mu(x_to) in latent space: <paramref name="steps"/> points
    /// z_t = (1 − t) · mu(x_from) + t · mu(x_to), t = k / (steps − 1), decoded and shown in one row between the two
    /// test images themselves.
    /// </summary>
    public static void WriteInterpolation(VaeModel<float> model, ImageDataSet set, string path, int from, int to, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "An interpolation needs at least 2 steps (its two ends).");
        int latent = model.Options.LatentSize, pixels = set.PixelsPerImage;
        var ends = LatentCodes.Means(model, set, [from, to]);
        var latents = new float[steps * latent];
        for (int k = 0; k < steps; k++)
        {
            double t = (double)k / (steps - 1);
            for (int j = 0; j < latent; j++) latents[k * latent + j] = (float)((1 - t) * ends[j] + t * ends[latent + j]);
        }
        var decoded = Decode(model, latents);
        var tiles = new float[(steps + 2) * pixels];
        set.Image(from).CopyTo(tiles);
        decoded.CopyTo(tiles.AsSpan(pixels));
        set.Image(to).CopyTo(tiles.AsSpan((steps + 1) * pixels));
        ImageGrid.Write(path, tiles, steps + 2, set.Height, set.Width, columns: steps + 2);
    }

    /// <summary>
    /// The latent points of a <paramref name="grid"/> × <paramref name="grid"/> manifold picture, [grid², Z] row by row:
    /// tile (r, c) has z₀ = Φ⁻¹((c + ½) / grid) (growing to the right) and z₁ = Φ⁻¹(1 − (r + ½) / grid) (growing
    /// upwards), evenly spaced in probability under the prior N(0, 1) as in Kingma &amp; Welling's figures; every
    /// other dimension is held at 0, the prior's mean.
    /// </summary>
    public static float[] ManifoldLatents(int grid, int latentSize)
    {
        if (grid < 1) throw new ArgumentOutOfRangeException(nameof(grid), grid, "The grid needs at least one tile per side.");
        if (latentSize < 2) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "A 2-D manifold needs at least 2 latent dimensions.");
        var latents = new float[grid * grid * latentSize];
        for (int r = 0; r < grid; r++)
            for (int c = 0; c < grid; c++)
            {
                int row = r * grid + c;
                latents[row * latentSize] = (float)NormalQuantile.Of((c + 0.5) / grid);
                latents[row * latentSize + 1] = (float)NormalQuantile.Of(1 - (r + 0.5) / grid);
            }
        return latents;
    }

    /// <summary>Decodes <see cref="ManifoldLatents"/> and writes the grid of pixel means.</summary>
    public static void WriteManifold(VaeModel<float> model, string path, int grid, int height, int width)
    {
        var decoded = Decode(model, ManifoldLatents(grid, model.Options.LatentSize));
        ImageGrid.Write(path, decoded, grid * grid, height, width, columns: grid);
    }

    /// <summary>The first <paramref name="pairs"/> test images, each followed by its reconstruction decode(mu(x)).</summary>
    public static void WriteReconstructions(VaeModel<float> model, ImageDataSet set, string path, int pairs)
    {
        pairs = Math.Min(pairs, set.Count);
        using var scope = Tape.NoGrad();
        using var inputs = Tensor<float>.FromArray(set.Pixels.AsSpan(0, pairs * set.PixelsPerImage), new Shape(pairs, set.PixelsPerImage), model.Device);
        var (mu, _) = model.Encode(Var<float>.Constant(inputs));
        var outputs = model.DecodeMeans(mu).Value.ToArray();
        var tiles = new float[2 * pairs * set.PixelsPerImage];
        for (int i = 0; i < pairs; i++)
        {
            set.Image(i).CopyTo(tiles.AsSpan(2 * i * set.PixelsPerImage));
            outputs.AsSpan(i * set.PixelsPerImage, set.PixelsPerImage).CopyTo(tiles.AsSpan((2 * i + 1) * set.PixelsPerImage));
        }
        ImageGrid.Write(path, tiles, 2 * pairs, set.Height, set.Width, columns: 8);
    }

    /// <summary>Training (blue) and test (orange) loss per epoch.</summary>
    public static void WriteLossCurves(IReadOnlyList<EpochMetrics> history, string path)
    {
        LinePlot.Write(path,
        [
            new LinePlot.Series(history.Select(m => ((double)m.Epoch, m.TrainLoss)).ToList(), TrainColour),
            new LinePlot.Series(history.Select(m => ((double)m.Epoch, m.TestLoss)).ToList(), TestColour),
        ]);
    }
}
