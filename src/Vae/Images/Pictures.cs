// Shape legend: N pictures, Z latent dimensions, D pixels (H × W).
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Images;

/// <summary>The pictures a trained model produces: samples from the prior, reconstructions and loss curves.</summary>
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

    /// <summary>64 decoded samples z ~ N(0, I), as an 8 × 8 grid of pixel means sigmoid(logits).</summary>
    public static void WriteSamples(VaeModel<float> model, string path, int height, int width, ulong seed, int count = 64)
    {
        using var scope = Tape.NoGrad();
        using var z = Tensor<float>.Normal(new Shape(count, model.Options.LatentSize), seed, device: model.Device);
        var means = model.Network.DecodeMeans(Var<float>.Constant(z)).Value.ToArray();
        ImageGrid.Write(path, means, count, height, width, columns: 8);
    }

    /// <summary>The first <paramref name="pairs"/> test images, each followed by its reconstruction decode(mu(x)).</summary>
    public static void WriteReconstructions(VaeModel<float> model, ImageDataSet set, string path, int pairs)
    {
        pairs = Math.Min(pairs, set.Count);
        using var scope = Tape.NoGrad();
        using var inputs = Tensor<float>.FromArray(set.Pixels.AsSpan(0, pairs * set.PixelsPerImage), new Shape(pairs, set.PixelsPerImage), model.Device);
        var (mu, _) = model.Network.Encode(Var<float>.Constant(inputs));
        var outputs = model.Network.DecodeMeans(mu).Value.ToArray();
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
