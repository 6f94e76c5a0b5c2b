using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae interpolate --checkpoint DIR --out FILE.png [--from I --to J] [--steps 10]</c>: decodes evenly spaced
/// points on the line from mu(x_I) to mu(x_J) of two test images.
/// </summary>
public static class InterpolateCommand
{
    private static readonly string[] Valued = ["checkpoint", "out", "data", "limit", "from", "to", "steps", "device", "threads"];

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var flags = Flags.Parse("interpolate", args, Valued, []);
        string output = flags.PictureFile("out");
        int steps = flags.Int("steps", 10, 2, 1000);
        using var checkpoint = LoadedCheckpoint.Open(flags);
        var test = checkpoint.LoadData(flags).Test;
        int from = flags.Int("from", 0, 0, test.Count - 1);
        int to = flags.Int("to", Math.Min(1, test.Count - 1), 0, test.Count - 1);
        Console.WriteLine(checkpoint.Describe());
        Pictures.WriteInterpolation(checkpoint.Model, test, output, from, to, steps);
        Console.WriteLine($"wrote {output}: test image {from} (label {test.Labels[from]}), {steps} decodings of (1 − t)·mu(x_{from}) + t·mu(x_{to}) for t = 0 … 1, test image {to} (label {test.Labels[to]})");
        return 0;
    }
}
