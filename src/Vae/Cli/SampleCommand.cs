using ScratchVae.Vae.Images;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary><c>scratchvae sample --checkpoint DIR --out FILE.png</c>: decoded samples z ~ N(0, I) from the prior.</summary>
public static class SampleCommand
{
    private static readonly string[] Valued = ["checkpoint", "out", "count", "seed", "device", "threads"];

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var flags = Flags.Parse("sample", args, Valued, []);
        string output = flags.PictureFile("out");
        int count = flags.Int("count", 64, 1, 10_000);
        using var checkpoint = LoadedCheckpoint.Open(flags);
        // The default seed is the checkpoint's, so 64 samples reproduce the samples.png that training wrote.
        ulong seed = flags.Has("seed") ? (ulong)flags.Int("seed", 1, 0) : checkpoint.Info.Training.Seed;
        var (height, width) = checkpoint.ImageSize();
        int columns = count == 64 ? 8 : (int)Math.Ceiling(Math.Sqrt(count));
        Console.WriteLine(checkpoint.Describe());
        Pictures.WriteSamples(checkpoint.Model, output, height, width, Seeds.Derive(seed, Seeds.Pictures), count, columns);
        Console.WriteLine($"wrote {output}: {count} samples decoded from z ~ N(0, I) (seed {seed}), pixel means sigmoid(logits), {columns} per row");
        return 0;
    }
}
