using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Demonstrations.Figures;

/// <summary>The reconstruction and KL terms over training, from a checkpoint's metrics.</summary>
public static class CurvePicture
{
    /// <summary>Reconstruction: blue (left axis); KL: orange (right axis).</summary>
    public static Colour ReconstructionColour => Colour.Categories[0];

    /// <summary>The KL curve's colour.</summary>
    public static Colour KlColour => Colour.Categories[1];

    /// <summary>
    /// One chart, two curves against the epoch: the test reconstruction term −log p(x|z) (left axis) and the KL term
    /// (right axis), both in nats per example, as the trainer wrote them to metrics.csv.
    /// </summary>
    public static Canvas Draw(IReadOnlyList<EpochMetrics> history, int width = 560, int height = 340)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0) throw new ArgumentException("There are no epochs to plot.", nameof(history));
        var canvas = new Canvas(width, height);
        var reconstruction = history.Select(m => ((double)m.Epoch, m.Reconstruction)).ToList();
        var kl = history.Select(m => ((double)m.Epoch, m.Kl)).ToList();
        int left = 60, top = 40, right = width - 60, bottom = height - 40;
        double lastEpoch = Math.Max(history[^1].Epoch, history[0].Epoch + 1);
        var frame = new Frame(canvas, left, top, right, bottom, (0, lastEpoch), (reconstruction.Min(p => p.Item2), reconstruction.Max(p => p.Item2)));
        var klAxis = new Axis(kl.Min(p => p.Item2), kl.Max(p => p.Item2), bottom, top);
        frame.DrawAxes(ReconstructionColour);
        frame.DrawRightAxis(klAxis, KlColour);
        frame.Series(reconstruction, ReconstructionColour);
        frame.Series(kl, KlColour, klAxis);
        canvas.Text(left, 10, "RECONSTRUCTION (LEFT)", ReconstructionColour);
        canvas.Text(left + PixelFont.MeasureWidth("RECONSTRUCTION (LEFT)   ", Frame.TextScale), 10, "KL (RIGHT)", KlColour);
        canvas.Text(left, 24, "NATS PER TEST IMAGE", Colour.Black);
        string axisTitle = "EPOCH";
        canvas.Text((left + right - PixelFont.MeasureWidth(axisTitle, Frame.TextScale)) / 2, height - 14, axisTitle, Colour.Black);
        return canvas;
    }

    /// <summary>Draws the curves of <paramref name="history"/> to <paramref name="path"/>.</summary>
    public static void Write(IReadOnlyList<EpochMetrics> history, string path) => Draw(history).Save(path);
}
