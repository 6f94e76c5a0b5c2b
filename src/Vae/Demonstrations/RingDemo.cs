// Shape legend: N points z ∈ ℝ², g(z) ∈ ℝ².
using ScratchVae.Kernels.Random;
using ScratchVae.Vae.Images;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>
/// Why a decoder can turn N(0, I) into anything (Doersch 2016, figure 2): one fixed, smooth function maps samples of
/// a 2-D standard normal onto a ring, g(z) = z / 10 + z / ‖z‖. Every point lands at radius ‖g(z)‖ = 1 + ‖z‖ / 10,
/// whose mean and spread follow from ‖z‖ being Rayleigh-distributed (E‖z‖ = √(π/2), Var‖z‖ = 2 − π/2): the ring
/// has mean radius 1 + √(π/2) / 10 ≈ 1.1253 and standard deviation √(2 − π/2) / 10 ≈ 0.0655, where the Gaussian
/// had no ring at all. A decoder network is such a g, learned: the latent space is N(0, I) and the data need not be.
/// </summary>
public static class RingDemo
{
    /// <summary>The ring's mean radius in closed form, 1 + √(π/2) / 10.</summary>
    public static double ExpectedMeanRadius => 1 + Math.Sqrt(Math.PI / 2) / 10;

    /// <summary>The ring's radius spread in closed form, √(2 − π/2) / 10.</summary>
    public static double ExpectedRadiusDeviation => Math.Sqrt(2 - Math.PI / 2) / 10;

    /// <summary>g(z) = z / 10 + z / ‖z‖.</summary>
    public static (double X, double Y) Map(double x, double y)
    {
        double norm = Math.Sqrt(x * x + y * y);
        return norm == 0 ? (0, 0) : (x / 10 + x / norm, y / 10 + y / norm);
    }

    /// <summary><paramref name="count"/> samples z ~ N(0, I₂) from the Philox stream of <paramref name="seed"/>, and their images g(z).</summary>
    public static ((double X, double Y)[] Z, (double X, double Y)[] G) Sample(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var z = new (double X, double Y)[count];
        var g = new (double X, double Y)[count];
        for (int i = 0; i < count; i++)
        {
            double x = RandomStreams.Normal(seed, 0, 2L * i, 0.0, 1.0), y = RandomStreams.Normal(seed, 0, 2L * i + 1, 0.0, 1.0);
            z[i] = (x, y);
            g[i] = Map(x, y);
        }
        return (z, g);
    }

    /// <summary>The mean and standard deviation of the distance from the origin.</summary>
    public static (double Mean, double Deviation) Radius(IReadOnlyList<(double X, double Y)> points)
    {
        double mean = points.Average(p => Math.Sqrt(p.X * p.X + p.Y * p.Y));
        double variance = points.Average(p => { double r = Math.Sqrt(p.X * p.X + p.Y * p.Y) - mean; return r * r; });
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>Two panels on the same axes, [−3, 3]²: the samples z (left) and g(z) (right), titled.</summary>
    public static Canvas Draw(IReadOnlyList<(double X, double Y)> z, IReadOnlyList<(double X, double Y)> g, int panel = 360)
    {
        int margin = 56, gap = 40, top = Canvas.HeadingHeight(true) + 24;
        var canvas = new Canvas(2 * panel + gap + 2 * margin, panel + top + margin);
        canvas.Heading("A Gaussian onto a ring", $"{z.Count} samples z ∼ N(0, I) and g(z) = z/10 + z/‖z‖ (Doersch 2016, figure 2)");
        for (int side = 0; side < 2; side++)
        {
            int left = margin + side * (panel + gap);
            var frame = new Frame(canvas, left, top, left + panel, top + panel, (-3, 3), (-3, 3), 6, 6);
            frame.DrawAxes();
            var points = side == 0 ? z : g;
            var colour = Colour.Categories[side];
            foreach (var (x, y) in points)
                if (Math.Abs(x) <= 3 && Math.Abs(y) <= 3) canvas.FillRectangle(frame.X.Pixel(x) - 1, frame.Y.Pixel(y) - 1, 3, 3, colour);
            string title = side == 0 ? "z ∼ N(0, I)" : "g(z) = z/10 + z/‖z‖";
            canvas.Text(left + panel / 2, top - 16, title, Colour.Black, anchor: TextAnchor.Middle, role: TextRole.Label);
            frame.XTitle(side == 0 ? "z₁" : "g₁");
            frame.YTitle(side == 0 ? "z₂" : "g₂", left - 40);
        }
        return canvas;
    }
}
