using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae interpolate --checkpoint DIR --out FILE.png [--from I --to J] [--steps 10]</c>: decodes evenly spaced
/// points on the line from mu(x_I) to mu(x_J) of two test images.
/// </summary>
public static class InterpolateCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("interpolate", "decodes the line from mu(x_from) to mu(x_to) of two test images",
        [
            CommonFlags.Checkpoint,
            CommonFlags.PictureOut,
            CommonFlags.CheckpointData,
            Flag.Int("from", "index of the first test image", 0, min: 0),
            Flag.Int("to", "index of the last test image", min: 0) with { DefaultNote = "1" },
            Flag.Int("steps", "decodings along the line", 10, min: 2, max: 1000),
            CommonFlags.Limit with { Help = "use only the first N test images" },
            CommonFlags.Scale,
            CommonFlags.Device,
            CommonFlags.Threads,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string output = flags.PictureFile("out");
        int steps = flags.Int("steps");
        int scale = flags.Int("scale");
        using var checkpoint = LoadedCheckpoint.Open(flags);
        var test = checkpoint.LoadData(flags).Test;
        int from = flags.Int("from", max: test.Count - 1);
        int to = flags.Int("to", Math.Min(1, test.Count - 1), max: test.Count - 1);
        Console.WriteLine(checkpoint.Describe());
        Pictures.WriteInterpolation(checkpoint.Model, test, output, from, to, steps, scale);
        Console.WriteLine($"wrote {output}: test image {from} (label {test.Labels[from]}), {steps} decodings of (1 − t)·mu(x_{from}) + t·mu(x_{to}) for t = 0 … 1, test image {to} (label {test.Labels[to]})");
        return 0;
    }
}
