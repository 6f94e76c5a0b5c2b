using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae manifold --checkpoint DIR --out FILE.png [--grid 20]</c>: the decoder over a 2-D grid of latent
/// points spaced evenly in probability, z = Φ⁻¹ of an even grid in (0, 1)² (Kingma &amp; Welling's figure).
/// </summary>
public static class ManifoldCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("manifold", "decodes a grid of latent points z = Φ⁻¹(even grid in (0, 1)²) over dimensions 0 and 1",
        [
            CommonFlags.Checkpoint,
            CommonFlags.PictureOut,
            Flag.Int("grid", "points per side", 20, min: 1, max: 200),
            CommonFlags.Scale,
            CommonFlags.Device,
            CommonFlags.Threads,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string output = flags.PictureFile("out");
        int grid = flags.Int("grid");
        int scale = flags.Int("scale");
        using var checkpoint = LoadedCheckpoint.Open(flags);
        int latent = checkpoint.Info.Model.LatentSize;
        if (latent < 2) throw new UsageException($"manifold: the model in {checkpoint.Folder} has {latent} latent dimension; a 2-D manifold needs at least 2.");
        var (height, width) = checkpoint.ImageSize();
        Console.WriteLine(checkpoint.Describe());
        if (latent > 2)
            Console.WriteLine($"the latent space has {latent} dimensions: z₁ and z₂ (indices 0 and 1) vary, the other {latent - 2} (indices 2 … {latent - 1}) are held at 0 (the prior's mean)");
        Pictures.WriteManifold(checkpoint.Model, output, grid, height, width, scale);
        Console.WriteLine($"wrote {output}: {grid}×{grid} decodings; z₁ (dimension 0) = Φ⁻¹((c + ½)/{grid}) grows left to right, z₂ (dimension 1) = Φ⁻¹(1 − (r + ½)/{grid}) grows bottom to top, both written along the edges");
        return 0;
    }
}
