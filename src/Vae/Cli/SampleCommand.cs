using ScratchVae.Vae.Images;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary><c>scratchvae sample --checkpoint DIR --out FILE.png</c>: decoded samples z ~ N(0, I) from the prior.</summary>
public static class SampleCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("sample", "decodes samples z ~ N(0, I) of the prior into a picture",
        [
            CommonFlags.Checkpoint,
            CommonFlags.PictureOut,
            Flag.Int("count", "samples (8 per row for 64, else ⌈√count⌉)", 64, min: 1, max: 10_000),
            CommonFlags.Seed with { Default = null, DefaultNote = "the checkpoint's", Help = "the seed of z (the checkpoint's reproduces the samples.png of training)" },
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
        // The default seed is the checkpoint's, so 64 samples reproduce the samples.png that training wrote.
        ulong seed = flags.Has("seed") ? (ulong)flags.Int("seed") : checkpoint.Info.Training.Seed;
        var (height, width) = checkpoint.ImageSize();
        int columns = count == 64 ? 8 : (int)Math.Ceiling(Math.Sqrt(count));
        Console.WriteLine(checkpoint.Describe());
        Pictures.WriteSamples(checkpoint.Model, output, height, width, Seeds.Derive(seed, Seeds.Pictures), count, columns, scale);
        Console.WriteLine($"wrote {output}: {count} samples decoded from z ~ N(0, I) (seed {seed}), pixel means sigmoid(logits), {columns} per row");
        return 0;
    }
}
