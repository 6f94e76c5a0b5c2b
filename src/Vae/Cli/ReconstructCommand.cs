using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary><c>scratchvae reconstruct --checkpoint DIR --out FILE.png</c>: test images beside their reconstructions decode(mu(x)).</summary>
public static class ReconstructCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("reconstruct", "pictures test images, each followed by its reconstruction decode(mu(x))",
        [
            CommonFlags.Checkpoint,
            Flag.Path("out", "the picture to write", placeholder: "FILE.png") with { Required = true },
            CommonFlags.CheckpointData,
            Flag.Int("count", "test images", 16, min: 1, max: 10_000),
            CommonFlags.Limit with { Help = "use only the first N test images" },
            CommonFlags.Device,
            CommonFlags.Threads,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string output = flags.PictureFile("out");
        int count = flags.Int("count");
        using var checkpoint = LoadedCheckpoint.Open(flags);
        var test = checkpoint.LoadData(flags).Test;
        count = Math.Min(count, test.Count);
        Console.WriteLine(checkpoint.Describe());
        Pictures.WriteReconstructions(checkpoint.Model, test, output, count);
        Console.WriteLine($"wrote {output}: the first {count} test images, each followed by its reconstruction decode(mu(x)), 4 pairs per row");
        return 0;
    }
}
