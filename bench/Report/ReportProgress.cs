using System.Diagnostics;

namespace ScratchVae.Bench.Report;

/// <summary>
/// The run's clock: one line on standard error per measurement, <c>[12/40] gemm 128x784x400:NT on host … 1m10s left</c>.
/// The time left is the estimates of the remaining steps, scaled by how the finished steps' times compared with
/// their estimates (so a loaded machine lengthens it).
/// </summary>
public sealed class ReportProgress(IReadOnlyList<double> estimates, TextWriter writer)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _estimatedDone;
    private int _done;

    /// <summary>Says that step <c>done + 1</c> (<paramref name="label"/>) starts now.</summary>
    public void Starting(string label)
    {
        double left = TimeLeft(_done);
        writer.WriteLine($"[{_done + 1}/{estimates.Count}] {label} … {Format(left)} left");
        writer.Flush();
    }

    /// <summary>Marks the current step finished.</summary>
    public void Finished()
    {
        _estimatedDone += estimates[_done];
        _done++;
    }

    /// <summary>Seconds left from step <paramref name="next"/> on: the remaining estimates × (elapsed / estimated so far).</summary>
    public double TimeLeft(int next)
    {
        double remaining = estimates.Skip(next).Sum();
        double pace = _estimatedDone > 1 ? Math.Clamp(_clock.Elapsed.TotalSeconds / _estimatedDone, 0.25, 8) : 1;
        return remaining * pace;
    }

    /// <summary>"45s", "1m10s", "1h02m".</summary>
    public static string Format(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) seconds = 0;
        long s = (long)Math.Round(seconds);
        if (s < 60) return $"{s}s";
        if (s < 3600) return $"{s / 60}m{s % 60:D2}s";
        return $"{s / 3600}h{s / 60 % 60:D2}m";
    }
}
