using ScratchVae.Vae.Images;

namespace ScratchVae.Bench.Report;

/// <summary>
/// The report's charts, drawn with the picture stack and saved as PNG and SVG: a roofline per device (log–log), the
/// GEMM shapes as bars (ours beside the peers), and the epoch times per device and peer.
/// </summary>
public static class ReportCharts
{
    /// <summary>A series of points on a roofline: a runner's GEMM shapes or a device's maps, (intensity FLOP/byte, GFLOP/s).</summary>
    public sealed record PointSeries(string Label, Colour Colour, IReadOnlyList<(double Intensity, double Gflops)> Points);

    /// <summary>A series of bars: one value per group (NaN where it has none).</summary>
    public sealed record BarSeries(string Label, Colour Colour, IReadOnlyList<double> Values);

    /// <summary>The colour a runner has in every chart: ours blue (host) or green (GPU), the peers orange (CPU) or red (GPU).</summary>
    public static Colour ColourOf(string runner) => runner switch
    {
        "ScratchVae host" => Colour.Categories[0],
        ReportRun.OpenBlas or ReportRun.PytorchCpu => Colour.Categories[1],
        ReportRun.Cublas or ReportRun.PytorchCuda => Colour.Categories[3],
        _ when runner.StartsWith("ScratchVae cuda", StringComparison.Ordinal) => Colour.Categories[2],
        _ => Colour.Categories[4 + Math.Abs(StringComparer.Ordinal.GetHashCode(runner) % 5)],
    };

    /// <summary>Draws every chart the results have figures for into <paramref name="folder"/> and lists them in <see cref="ReportResults.Charts"/>.</summary>
    public static void WriteAll(ReportResults results, IReadOnlyList<string> devices, string folder)
    {
        foreach (string device in devices)
        {
            var canvas = Roofline(results, device);
            if (canvas is null) continue;
            Save(results, folder, $"roofline-{device.Replace(':', '-')}", canvas,
                $"Roofline of {device}: each GEMM shape and map at its arithmetic intensity, under the measured peak and bandwidth");
        }
        if (results.Gemm.Count > 0 && results.Shapes.Count > 0)
        {
            var runners = results.Gemm.Keys.ToList();
            var series = runners.Select(r => new BarSeries(r, ColourOf(r), results.Shapes.Select(s => results.Gemm[r].GetValueOrDefault(s)?.Median ?? double.NaN).ToList())).ToList();
            var canvas = DrawBars("GEMM per shape: ours beside the peers", $"float32, median GFLOP/s over {RoundsText(results.Gemm.Values.SelectMany(v => v.Values))}, 2·m·n·k / time",
                results.Shapes, series, "GEMM shape MxNxK:op(A)op(B)", "GFLOP/s", valueLabels: false);
            Save(results, folder, "gemm-shapes", canvas, "GEMM per shape, GFLOP/s: ScratchVae on each device beside OpenBLAS and cuBLAS");
        }
        if (results.Epochs.Count > 0)
        {
            var architectures = results.Epochs.Keys.ToList();
            var runners = results.Epochs.Values.SelectMany(t => t.Keys).Distinct().ToList();
            var groups = architectures.Select(a => EpochGroupLabel(a, results.Epochs[a])).ToList();
            var series = runners.Select(r => new BarSeries(r, ColourOf(r), architectures.Select(a => results.Epochs[a].GetValueOrDefault(r)?.Seconds.Median ?? double.NaN).ToList())).ToList();
            var canvas = DrawBars("Training: seconds per epoch", "median of the measured epochs after a warm-up epoch; batch 128, Adam 1e-3", groups, series, "architecture: images timed (→ scaled to an epoch)", "seconds per epoch", valueLabels: true);
            Save(results, folder, "epochs", canvas, "Seconds per training epoch of each architecture, ours on each device beside PyTorch");
        }
    }

    private static string EpochGroupLabel(string architecture, Dictionary<string, EpochSamples> table)
    {
        var any = table.Values.First();
        string name = architecture == "conv" ? "conv VAE" : "MLP 784-400-20";
        // Short enough to lie flat under its bars: "conv VAE: 12,800 → 60,000" reads as timed on 12,800, scaled to 60,000.
        return any.Extrapolated ? $"{name}: {any.ImagesTrained:N0} → {any.ImagesPerEpoch:N0}" : $"{name}: {any.ImagesPerEpoch:N0}";
    }

    private static string RoundsText(IEnumerable<Samples> samples)
    {
        int rounds = samples.Select(s => s.Values.Count).DefaultIfEmpty(0).Max();
        return rounds == 1 ? "1 round" : $"{rounds} rounds";
    }

    private static void Save(ReportResults results, string folder, string name, Canvas canvas, string caption)
    {
        canvas.Save(Path.Combine(folder, name + ".png"));
        canvas.Save(Path.Combine(folder, name + ".svg"));
        results.Charts.Add((name + ".png", caption));
    }

    /// <summary>The roofline of <paramref name="device"/> from the results, or null when it has no peak, bandwidth or points.</summary>
    public static Canvas? Roofline(ReportResults results, string device)
    {
        double peak = results.Peak.GetValueOrDefault(device)?.Ceiling ?? double.NaN;
        double bandwidth = results.Bandwidth.GetValueOrDefault(device)?.Ceiling ?? double.NaN;
        var series = new List<PointSeries>();
        foreach (var (runner, table) in results.Gemm)
        {
            if (results.GemmDevice.GetValueOrDefault(runner) != device) continue;
            var points = results.Shapes.Where(table.ContainsKey)
                .Select(s => (Report.Roofline.GemmIntensity(Gemm.GemmShape.Parse(s)), table[s].Median)).Where(p => double.IsFinite(p.Item2)).ToList();
            if (points.Count > 0) series.Add(new PointSeries($"{runner} GEMM", ColourOf(runner), points));
        }
        if (results.Maps.TryGetValue(device, out var maps))
        {
            var points = new List<(double, double)>();
            foreach (var (primitive, samples) in maps)
                if (MapWork.FlopsPerElement(primitive) is double flops && results.MapBytesPerElement.TryGetValue(primitive, out double bytes))
                    points.Add((flops / bytes, samples.Median * flops / bytes));
            if (points.Count > 0) series.Add(new PointSeries($"ScratchVae {device} maps", Colour.Categories[5], points));
        }
        if (series.Count == 0 && !double.IsFinite(peak)) return null;
        string peakSource = results.PeakSource.GetValueOrDefault(device, "");
        return DrawRoofline($"Roofline: {device}", $"{results.Cpu.ModelName}; peak: {peakSource}", peak, bandwidth, series);
    }

    /// <summary>
    /// A log–log roofline: attainable GFLOP/s = min(peak, bandwidth × intensity) as two roofs, and the measured points.
    /// </summary>
    public static Canvas DrawRoofline(string title, string subtitle, double peak, double bandwidth, IReadOnlyList<PointSeries> series)
    {
        const int width = 640, height = 440, left = 70, right = 20, bottom = 50;
        var canvas = new Canvas(width, height);
        int top = canvas.Heading(title, subtitle) + 8;
        var intensities = series.SelectMany(s => s.Points.Select(p => p.Intensity)).ToList();
        var rates = series.SelectMany(s => s.Points.Select(p => p.Gflops)).ToList();
        if (double.IsFinite(peak) && double.IsFinite(bandwidth)) intensities.Add(Report.Roofline.Ridge(peak, bandwidth));
        if (double.IsFinite(peak)) rates.Add(peak);
        double xLow = intensities.Where(v => v > 0).DefaultIfEmpty(0.1).Min() / 2, xHigh = intensities.Where(v => v > 0).DefaultIfEmpty(100).Max() * 2;
        double yLow = rates.Where(v => v > 0).DefaultIfEmpty(1).Min() / 2, yHigh = rates.Where(v => v > 0).DefaultIfEmpty(100).Max() * 1.5;
        var frame = new Frame(canvas, left, top, width - right, height - bottom, (xLow, xHigh), (yLow, yHigh), logX: true, logY: true);
        frame.DrawAxes();
        var legend = new List<LegendEntry>();
        Colour roof = Colour.Black, slope = Colour.Categories[7];
        if (double.IsFinite(bandwidth))
        {
            // The slanted roof from where it enters the frame to the ridge (or the frame's right edge without a peak).
            double from = Math.Max(frame.X.Minimum, frame.Y.Minimum / bandwidth);
            double to = double.IsFinite(peak) ? Math.Min(frame.X.Maximum, Report.Roofline.Ridge(peak, bandwidth)) : Math.Min(frame.X.Maximum, frame.Y.Maximum / bandwidth);
            if (to > from) frame.Series([(from, bandwidth * from), (to, bandwidth * to)], slope);
            legend.Add(new LegendEntry($"bandwidth {bandwidth:F1} GB/s", slope));
        }
        if (double.IsFinite(peak))
        {
            double from = double.IsFinite(bandwidth) ? Math.Max(frame.X.Minimum, Report.Roofline.Ridge(peak, bandwidth)) : frame.X.Minimum;
            frame.Series([(from, peak), (frame.X.Maximum, peak)], roof);
            legend.Add(new LegendEntry($"peak {peak:F0} GFLOP/s", roof));
        }
        foreach (var s in series)
        {
            foreach (var (intensity, gflops) in s.Points) frame.Series([(intensity, gflops)], s.Colour);
            legend.Add(new LegendEntry(s.Label, s.Colour, LegendSymbol.Square));
        }
        frame.XTitle("arithmetic intensity, FLOP/byte (log)");
        frame.YTitle("GFLOP/s (log)");
        frame.Legend(legend);
        return canvas;
    }

    /// <summary>
    /// Grouped bars: one group per category (labelled below, upright when they are long), one bar per series, a linear
    /// y axis from 0, the legend above the chart; <paramref name="valueLabels"/> writes each bar's value over it.
    /// </summary>
    public static Canvas DrawBars(string title, string subtitle, IReadOnlyList<string> groups, IReadOnlyList<BarSeries> series, string xTitle, string yTitle, bool valueLabels)
    {
        const int left = 70, right = 20, bar = 10, gap = 12;
        int barWidth = valueLabels ? 46 : bar;
        int groupWidth = series.Count * barWidth + gap;
        int width = Math.Max(560, left + right + groups.Count * groupWidth + gap);
        // Labels lie flat where each fits its group's slot, and stand upright otherwise.
        bool vertical = groups.Any(g => Canvas.MeasureText(g) > (width - left - right) / Math.Max(1, groups.Count) - 8);
        int labelSpace = vertical ? groups.Max(g => Canvas.MeasureText(g)) + 12 : Canvas.TextHeight() + 8;
        int height = 300 + labelSpace;
        var canvas = new Canvas(width, height);
        int top = canvas.Heading(title, subtitle) + 30;
        int bottom = height - labelSpace - 26;
        double max = series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var frame = new Frame(canvas, left, top, width - right, bottom, (0, groups.Count), (0, max * (valueLabels ? 1.12 : 1.02)));
        frame.DrawAxes(xTicks: false);
        int plotWidth = frame.Right - frame.Left, slot = plotWidth / Math.Max(1, groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            int groupLeft = frame.Left + g * slot + (slot - series.Count * barWidth) / 2;
            for (int s = 0; s < series.Count; s++)
            {
                double value = series[s].Values[g];
                if (!double.IsFinite(value)) continue;
                int x = groupLeft + s * barWidth, y = frame.Y.Pixel(value);
                canvas.FillRectangle(x, y, barWidth - 2, frame.Bottom - y, series[s].Colour);
                if (valueLabels) canvas.Text(x + (barWidth - 2) / 2, y - Canvas.TextHeight() - 2, value < 10 ? $"{value:F2}" : $"{value:F1}", Colour.Black, anchor: TextAnchor.Middle);
            }
            int middle = frame.Left + g * slot + slot / 2;
            if (vertical) canvas.Text(middle - Canvas.TextHeight() / 2, frame.Bottom + 6, groups[g], Colour.Black, anchor: TextAnchor.End, vertical: true);
            else canvas.Text(middle, frame.Bottom + 6, groups[g], Colour.Black, anchor: TextAnchor.Middle);
        }
        canvas.Text((frame.Left + frame.Right) / 2, height - Canvas.TextHeight() - 4, xTitle,
            Colour.Black, anchor: TextAnchor.Middle, role: TextRole.AxisTitle);
        frame.YTitle(yTitle);
        Legend.DrawRow(canvas, left, top - 20, series.Select(s => new LegendEntry(s.Label, s.Colour, LegendSymbol.Square)).ToList());
        return canvas;
    }
}
