using System.Globalization;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae latent-scatter --checkpoint DIR --out FILE.png</c>: the test set encoded to mu(x), dimensions 0 and 1
/// plotted, each point coloured by its label.
/// </summary>
public static class LatentScatterCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("latent-scatter", "plots mu(x) of the test set, dimensions 0 and 1, coloured by label",
        [
            CommonFlags.Checkpoint,
            CommonFlags.PictureOut,
            CommonFlags.CheckpointData,
            CommonFlags.Limit with { Help = "use only the first N test images" },
            CommonFlags.Scale,
            CommonFlags.Device,
            CommonFlags.Threads,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string output = flags.PictureFile("out");
        int scale = flags.Int("scale");
        using var checkpoint = LoadedCheckpoint.Open(flags);
        int latent = checkpoint.Info.Model.LatentSize;
        if (latent < 2) throw new UsageException($"latent-scatter: the model in {checkpoint.Folder} has {latent} latent dimension; a scatter plot needs at least 2.");
        var test = checkpoint.LoadData(flags).Test;
        Console.WriteLine(checkpoint.Describe());
        if (latent > 2) Console.WriteLine($"the latent space has {latent} dimensions: plotting dimensions 0 and 1 of mu(x)");

        var means = LatentCodes.Means(checkpoint.Model, test);
        var xs = new double[test.Count];
        var ys = new double[test.Count];
        var labels = new int[test.Count];
        for (int i = 0; i < test.Count; i++)
        {
            xs[i] = means[i * latent];
            ys[i] = means[i * latent + 1];
            labels[i] = test.Labels[i];
        }
        int classes = Math.Max(10, labels.Length > 0 ? labels.Max() + 1 : 0);
        string subtitle = $"{test.Count} test images, z = μ(x)" + (latent > 2 ? $", dimensions 1 and 2 of {latent}" : "");
        LatentPictures.DrawScatter(xs, ys, labels, classes, subtitle).Save(output, scale);
        var axis = new Axis(-LatentPictures.ScatterLimit(xs, ys), LatentPictures.ScatterLimit(xs, ys), 0, 1);
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"wrote {output}: {test.Count} test images; z₁ = mu[0] across, z₂ = mu[1] up, both axes from {axis.Minimum:0.##} to {axis.Maximum:0.##}"));
        Console.WriteLine("legend (also drawn beside the plot):");
        for (int k = 0; k < classes; k++)
        {
            var colour = Palette.Of(k);
            int members = labels.Count(l => l == k);
            Console.WriteLine($"  label {k}: {Palette.Hex(colour)} {Palette.Names[k % Palette.Names.Count]} ({members} points)");
        }
        return 0;
    }
}
