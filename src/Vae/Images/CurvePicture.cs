using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Images;

/// <summary>Charts of the per-epoch figures the trainer writes to metrics.csv.</summary>
public static class CurvePicture
{
    /// <summary>The training loss's colour (blue).</summary>
    public static Colour TrainColour => Colour.Categories[0];

    /// <summary>The test loss's colour (orange).</summary>
    public static Colour TestColour => Colour.Categories[1];

    /// <summary>Reconstruction: blue (left axis).</summary>
    public static Colour ReconstructionColour => Colour.Categories[0];

    /// <summary>KL: orange (right axis).</summary>
    public static Colour KlColour => Colour.Categories[1];

    private const int Width = 560, Height = 360, Left = 70, Right = 30, Bottom = 50;

    /// <summary>
    /// The training loss (mean −ELBO over each epoch, while the weights changed) and the test loss (after the epoch)
    /// against the epoch, nats per image, with a legend: the picture training writes as loss.png.
    /// </summary>
    public static Canvas DrawLoss(IReadOnlyList<EpochMetrics> history, string? subtitle = null)
    {
        RequireEpochs(history);
        var canvas = new Canvas(Width, Height);
        int top = canvas.Heading("Loss per epoch: −ELBO", subtitle ?? Describe(history)) + 10;
        var train = history.Select(m => ((double)m.Epoch, m.TrainLoss)).ToList();
        var test = history.Select(m => ((double)m.Epoch, m.TestLoss)).ToList();
        var values = train.Concat(test).Select(p => p.Item2).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var frame = new Frame(canvas, Left, top, Width - Right, Height - Bottom, EpochRange(history), (values.Min(), values.Max()), xMinimumStep: 1);
        frame.DrawAxes();
        frame.Series(train, TrainColour);
        frame.Series(test, TestColour);
        frame.XTitle("epoch");
        frame.YTitle("nats per image");
        frame.Legend([new LegendEntry("train", TrainColour), new LegendEntry("test", TestColour)]);
        return canvas;
    }

    /// <summary>
    /// One chart, two curves against the epoch: the test reconstruction term −log p(x|z) (left axis) and the KL term
    /// (right axis), both in nats per image, as the trainer wrote them to metrics.csv.
    /// </summary>
    public static Canvas DrawTerms(IReadOnlyList<EpochMetrics> history, string? subtitle = null)
    {
        RequireEpochs(history);
        var canvas = new Canvas(Width, Height);
        var last = history[^1];
        int top = canvas.Heading("The test loss's two terms per epoch", subtitle ?? FormattableString.Invariant(
            $"{history.Count} epoch{(history.Count == 1 ? "" : "s")}; after the last: reconstruction {last.Reconstruction:F2}, KL {last.Kl:F2} nats per image")) + 26;
        var reconstruction = history.Select(m => ((double)m.Epoch, m.Reconstruction)).ToList();
        var kl = history.Select(m => ((double)m.Epoch, m.Kl)).ToList();
        int right = Width - 70, bottom = Height - Bottom;
        var frame = new Frame(canvas, Left, top, right, bottom, EpochRange(history), (reconstruction.Min(p => p.Item2), reconstruction.Max(p => p.Item2)), xMinimumStep: 1);
        var klAxis = new Axis(kl.Min(p => p.Item2), kl.Max(p => p.Item2), bottom, top);
        frame.DrawAxes(ReconstructionColour);
        frame.DrawRightAxis(klAxis, KlColour);
        frame.Series(reconstruction, ReconstructionColour);
        frame.Series(kl, KlColour, klAxis);
        frame.XTitle("epoch");
        frame.YTitle("reconstruction, nats per image");
        frame.RightTitle("KL, nats per image", Width - 4 - Canvas.TextHeight(Frame.TextSize), KlColour);
        // Above the chart: the two curves cross, so no corner of it is free.
        Legend.DrawRow(canvas, Left, top - 18, [new LegendEntry("reconstruction −log p(x|z) (left)", ReconstructionColour), new LegendEntry("KL(q(z|x) ‖ p(z)) (right)", KlColour)]);
        return canvas;
    }

    /// <summary>Draws <see cref="DrawLoss"/> to <paramref name="path"/> (.png or .svg).</summary>
    public static void WriteLoss(IReadOnlyList<EpochMetrics> history, string path, int scale = 1) => DrawLoss(history).Save(path, scale);

    /// <summary>Draws <see cref="DrawTerms"/> to <paramref name="path"/> (.png or .svg).</summary>
    public static void WriteTerms(IReadOnlyList<EpochMetrics> history, string path, int scale = 1) => DrawTerms(history).Save(path, scale);

    private static void RequireEpochs(IReadOnlyList<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0) throw new ArgumentException("There are no epochs to plot.", nameof(history));
    }

    private static (double, double) EpochRange(IReadOnlyList<EpochMetrics> history) => (0, Math.Max(history[^1].Epoch, history[0].Epoch + 1));

    private static string Describe(IReadOnlyList<EpochMetrics> history)
        => FormattableString.Invariant($"{history.Count} epoch{(history.Count == 1 ? "" : "s")}; after the last: train {history[^1].TrainLoss:F2}, test {history[^1].TestLoss:F2} nats per image");
}
