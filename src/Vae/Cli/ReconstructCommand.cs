using ScratchVae.Tensors;
using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary><c>scratchvae reconstruct --checkpoint DIR --out FILE.png</c>: test images beside their reconstructions decode(mu(x)).</summary>
public static class ReconstructCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("reconstruct", "pictures test images in rows, each row above the row of its reconstructions decode(mu(x))",
        [
            CommonFlags.Checkpoint,
            CommonFlags.PictureOut,
            CommonFlags.CheckpointData,
            Flag.Int("count", "test images", 16, min: 1, max: 10_000),
            CommonFlags.Limit with { Help = "use only the first N test images" },
            Flag.Path("values", "also writes the numbers as float32 safetensors: x [N, D], mu [N, Z] and the reconstructions sigmoid(decode(mu(x))) [N, D]", placeholder: "FILE.safetensors"),
            CommonFlags.Scale,
            CommonFlags.Device,
            CommonFlags.Threads,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string output = flags.PictureFile("out");
        int count = flags.Int("count");
        int scale = flags.Int("scale");
        using var checkpoint = LoadedCheckpoint.Open(flags);
        var test = checkpoint.LoadData(flags).Test;
        count = Math.Min(count, test.Count);
        Console.WriteLine(checkpoint.Describe());
        Pictures.WriteReconstructions(checkpoint.Model, test, output, count, scale);
        Console.WriteLine($"wrote {output}: the first {count} test images, each row of up to 8 above the row of their reconstructions decode(mu(x))");
        if (flags.OptionalString("values") is string values)
        {
            var (mu, reconstructions) = Pictures.Reconstruct(checkpoint.Model, test, count);
            int pixels = test.PixelsPerImage, latent = checkpoint.Info.Model.LatentSize;
            var x = test.Pixels.AsSpan(0, count * pixels).ToArray();
            SafeTensorsFile.Write(values,
            [
                new NamedTensor("x", "F32", [count, pixels], Array.ConvertAll(x, v => (double)v)),
                new NamedTensor("mu", "F32", [count, latent], Array.ConvertAll(mu, v => (double)v)),
                new NamedTensor("reconstruction", "F32", [count, pixels], Array.ConvertAll(reconstructions, v => (double)v)),
            ]);
            Console.WriteLine($"wrote {values}: x [{count}, {pixels}], mu [{count}, {latent}], reconstruction [{count}, {pixels}] (float32)");
        }
        return 0;
    }
}
