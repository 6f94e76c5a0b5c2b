using ScratchVae.Vae.Data;
using ScratchVae.Vae.Inference;

namespace ScratchVae.Tests.Docs;

/// <summary>
/// The C# the README shows, compiled here so that it cannot go stale: <see cref="ReadmeSnippetTests"/> checks that the
/// README's block is the text between the markers and runs it.
/// </summary>
public static class ReadmeSnippets
{
    /// <summary>The inference snippet, on the checkpoint in <paramref name="folder"/>.</summary>
    public static (float[] Mu, float[] Reconstructions, float[] Samples) Inference(string folder, TextWriter output)
    {
        // README inference: begin
        using var vae = TrainedVae.Load(folder);                  // a folder `scratchvae train --out` wrote
        var test = DataSources.Load("mnist").Test;                // or any float[] of N × 784 pixels in [0, 1]
        float[] images = test.Pixels[..(4 * test.PixelsPerImage)];
        var (mu, logVar) = vae.Encode(images);                    // q(z|x): 4 × Z means and log-variances
        float[] reconstructions = vae.Decode(mu);                 // 4 × 784 pixel means, as `scratchvae reconstruct`
        float[] samples = vae.Sample(count: 16, seed: 7);         // 16 × 784, decoded z ~ N(0, I)
        output.WriteLine($"{vae.Info.Model.Describe()}: mu[0] = {mu[0]:F4}, sigma[0] = {MathF.Exp(logVar[0] / 2):F4}");
        // README inference: end
        return (mu, reconstructions, samples);
    }
}
