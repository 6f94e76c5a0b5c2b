using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary><c>scratchvae reconstruct --checkpoint DIR --out FILE.png</c>: test images beside their reconstructions decode(mu(x)).</summary>
public static class ReconstructCommand
{
    private static readonly string[] Valued = ["checkpoint", "out", "data", "count", "limit", "device", "threads"];

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var flags = Flags.Parse("reconstruct", args, Valued, []);
        string output = flags.PictureFile("out");
        int count = flags.Int("count", 16, 1, 10_000);
        using var checkpoint = LoadedCheckpoint.Open(flags);
        var test = checkpoint.LoadData(flags).Test;
        count = Math.Min(count, test.Count);
        Console.WriteLine(checkpoint.Describe());
        Pictures.WriteReconstructions(checkpoint.Model, test, output, count);
        Console.WriteLine($"wrote {output}: the first {count} test images, each followed by its reconstruction decode(mu(x)), 4 pairs per row");
        return 0;
    }
}
