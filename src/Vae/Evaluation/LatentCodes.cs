// Shape legend: N images, B examples per batch, D pixels, Z latent dimensions.
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Evaluation;

/// <summary>The encoder's means mu(x) of a data set, for scatter plots and interpolations.</summary>
public static class LatentCodes
{
    /// <summary>mu(x) [N, Z] of the images <paramref name="indices"/> (all when null) of <paramref name="set"/>, row-major, in batches of <paramref name="batchSize"/>.</summary>
    public static float[] Means(VaeModel<float> model, ImageDataSet set, IReadOnlyList<int>? indices = null, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        if (set.PixelsPerImage != model.Options.InputSize)
            throw new ArgumentException($"The images have {set.PixelsPerImage} pixels but the model expects {model.Options.InputSize}.");
        indices ??= Enumerable.Range(0, set.Count).ToArray();
        int latent = model.Options.LatentSize, pixels = set.PixelsPerImage;
        var means = new float[indices.Count * latent];
        var staging = new float[Math.Min(batchSize, Math.Max(1, indices.Count)) * pixels];
        using var scope = Tape.NoGrad();
        for (int start = 0; start < indices.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, indices.Count - start);
            for (int r = 0; r < rows; r++) set.Image(indices[start + r]).CopyTo(staging.AsSpan(r * pixels, pixels));
            var x = Var<float>.Constant(Tensor<float>.FromArray(staging.AsSpan(0, rows * pixels), Shape.Matrix(rows, pixels), model.Device), takeOwnership: true);
            var (mu, _) = model.Encode(x);
            mu.Value.CopyTo(means.AsSpan(start * latent, rows * latent));
            scope.Reset();
        }
        return means;
    }
}
