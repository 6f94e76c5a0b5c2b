using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae curves --checkpoint DIR --out FILE [--scale N]</c>: redraws the training and test loss per epoch
/// from the checkpoint's metrics.csv, the picture training writes as loss.png.
/// </summary>
public static class CurvesCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("curves", "redraws the train and test loss per epoch from a checkpoint's metrics.csv (the loss.png of training)",
        [
            CommonFlags.Checkpoint,
            CommonFlags.PictureOut,
            CommonFlags.Scale,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        string output = flags.PictureFile("out");
        int scale = flags.Int("scale");
        if (!Directory.Exists(folder)) throw new CheckpointException(folder, "no such checkpoint folder");
        string metrics = Path.Combine(CheckpointStore.Resolve(folder), Checkpoint.MetricsFile);
        if (!File.Exists(metrics)) throw new CheckpointException(metrics, "no such file; training writes it after the first epoch");
        var history = Checkpoint.ReadMetrics(folder);
        if (history.Count == 0) throw new CheckpointException(metrics, "line 2: there are no epochs after the header");
        Pictures.WriteLossCurves(history, output, scale);
        var last = history[^1];
        Console.WriteLine(FormattableString.Invariant($"wrote {output}: train and test loss (nats per image) for epochs 1 … {last.Epoch} of {metrics}; last test loss {last.TestLoss:F4}"));
        return 0;
    }
}
