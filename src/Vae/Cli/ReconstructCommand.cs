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
        return 0;
    }
}
