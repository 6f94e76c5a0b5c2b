// Shape legend: D = H·W pixels, Z latent dimensions; z [n, Z] drawn from the prior, means [n, D].
using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Images;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>One trained model of the sweep: its β, seed and test figures after the last epoch.</summary>
/// <param name="Beta">β, the KL term's weight in training.</param>
/// <param name="Seed">The training seed.</param>
/// <param name="Rate">The KL term, nats per test image: what the code costs.</param>
/// <param name="Distortion">The reconstruction term −log p(x|z), nats per test image.</param>
/// <param name="ActiveUnits">Latent dimensions with Var_x μ_u(x) &gt; 0.01.</param>
public sealed record BetaSweepPoint(double Beta, ulong Seed, double Rate, double Distortion, int ActiveUnits);

/// <summary>
/// The β-VAE's trade-off (Higgins et al. 2017; Alemi et al. 2018 read it as rate against distortion): training with
/// loss = distortion + β · rate for several β moves the model along a curve, a larger β buying a cheaper code
/// (lower rate, fewer active units) with worse reconstructions (higher distortion). β = 1 is the ELBO.
/// </summary>
public static class BetaSweepDemo
{
    /// <summary>Trains one model per β and seed (the same architecture and data) and measures it on the test set.</summary>
    public static IReadOnlyList<BetaSweepPoint> Run(IReadOnlyList<double> betas, IReadOnlyList<ulong> seeds, VaeOptions model, TrainOptions training,
        DataSplit data, Device device, Action<BetaSweepPoint>? progress = null, Action<double, VaeModel<float>>? firstSeedModel = null)
    {
        ArgumentNullException.ThrowIfNull(betas);
        ArgumentNullException.ThrowIfNull(seeds);
        var points = new List<BetaSweepPoint>();
        foreach (double beta in betas)
            for (int s = 0; s < seeds.Count; s++)
            {
                using var trainer = new Trainer(model with { Beta = beta }, training with { Seed = seeds[s] }, data, device);
                EpochMetrics? last = null;
                for (int epoch = 0; epoch < training.Epochs; epoch++) last = trainer.RunEpoch();
                var (_, distortion, rate) = last is null ? trainer.Evaluate(data.Test) : (last.TestLoss, last.Reconstruction, last.Kl);
                var point = new BetaSweepPoint(beta, seeds[s], rate, distortion, ActiveUnits.Count(ActiveUnits.Variances(trainer.Model, data.Test)));
                points.Add(point);
                progress?.Invoke(point);
                if (s == 0) firstSeedModel?.Invoke(beta, trainer.Model);
            }
        return points;
    }

    /// <summary>Distortion (vertical) against rate (horizontal), a dot per model and a line through each β's means, titled and labelled.</summary>
    public static Canvas DrawCurve(IReadOnlyList<BetaSweepPoint> points, int width = 560, int height = 380)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("There are no points to plot.", nameof(points));
        var canvas = new Canvas(width, height);
        int left = 70, right = width - 30, bottom = height - 50;
        int top = canvas.Heading("Distortion against rate, β-VAE", $"one dot per model ({points.Count}), the line through each β's mean") + 10;
        double rateMax = points.Max(p => p.Rate), distortionMin = points.Min(p => p.Distortion), distortionMax = points.Max(p => p.Distortion);
        double pad = Math.Max(1, 0.05 * (distortionMax - distortionMin));
        var frame = new Frame(canvas, left, top, right, bottom, (0, rateMax * 1.1 + 1), (distortionMin - pad, distortionMax + pad));
        frame.DrawAxes();
        var means = points.GroupBy(p => p.Beta).OrderBy(g => g.Key).Select(g => (Beta: g.Key, Rate: g.Average(p => p.Rate), Distortion: g.Average(p => p.Distortion))).ToList();
        frame.Series(means.Select(m => (m.Rate, m.Distortion)).ToList(), Colour.Categories[0]);
        foreach (var p in points) canvas.FillRectangle(frame.X.Pixel(p.Rate) - 1, frame.Y.Pixel(p.Distortion) - 1, 3, 3, Colour.Categories[1]);
        foreach (var m in means)
            canvas.Text(frame.X.Pixel(m.Rate) + 6, frame.Y.Pixel(m.Distortion) - 14, FormattableString.Invariant($"β = {m.Beta:0.##}"), Colour.Black);
        frame.XTitle("rate: KL(q(z|x) ‖ p(z)), nats per test image");
        frame.YTitle("distortion: −log p(x|z), nats per test image");
        frame.Legend([new LegendEntry("mean over seeds", Colour.Categories[0]), new LegendEntry("one model", Colour.Categories[1], LegendSymbol.Square)]);
        return canvas;
    }

    /// <summary>
    /// One row of <paramref name="count"/> prior samples per β (the same z for every row), labelled with β on the left:
    /// what each trade-off decodes.
    /// </summary>
    public static Canvas DrawSamples(IReadOnlyList<(double Beta, float[] Means)> rows, int height, int width, int count, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int label = 70, cell = width * scale + 4;
        int top = Canvas.HeadingHeight(true) + 4;
        var canvas = new Canvas(Math.Max(label + count * cell, 380), top + rows.Count * (height * scale + 4) + 4);
        canvas.Heading("Prior samples per β", "decode(z), z ∼ N(0, I), the same z in every row; dark is ink");
        for (int r = 0; r < rows.Count; r++)
        {
            int y0 = top + r * (height * scale + 4);
            canvas.Text(label - 10, y0 + (height * scale - BitmapFont.Ascent) / 2, FormattableString.Invariant($"β = {rows[r].Beta:0.##}"), Colour.Black, anchor: TextAnchor.End, role: TextRole.Tick);
            for (int i = 0; i < count; i++)
            {
                // Dark ink on white, as a page shows digits.
                var ink = rows[r].Means.AsSpan(i * height * width, height * width).ToArray().Select(v => 1 - v).ToArray();
                canvas.Image(label + i * cell, y0, ink, width, height, scale);
            }
        }
        return canvas;
    }

    /// <summary>The decoder's pixel means for <paramref name="count"/> draws z ~ N(0, I) from the Philox stream of <paramref name="seed"/>.</summary>
    public static float[] PriorSamples(VaeModel<float> model, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        int latent = model.Options.LatentSize;
        var z = new float[count * latent];
        for (int i = 0; i < z.Length; i++) z[i] = RandomStreams.Normal(seed, 0, i, 0f, 1f);
        using var scope = Tape.NoGrad();
        using var zTensor = Tensor<float>.FromArray(z, Shape.Matrix(count, latent), model.Device);
        return model.DecodeMeans(Var<float>.Constant(zTensor)).Value.ToArray();
    }
}
