using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// A one-line progress bar on standard error: examples done, samples per second and the time left in the epoch.
/// Drawn only on a terminal (redirected output gets just the per-epoch lines), at most ten times a second.
/// </summary>
public sealed class ConsoleProgress : ITrainingProgress
{
    private readonly int _epochs;
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private TimeSpan _lastDrawn = TimeSpan.MinValue;

    /// <summary>Creates a bar for a run of <paramref name="epochs"/> epochs.</summary>
    public ConsoleProgress(int epochs) => _epochs = epochs;

    /// <inheritdoc />
    public void Report(int epoch, int done, int total, TimeSpan elapsed)
    {
        if (!_enabled) return;
        bool finished = done >= total;
        if (!finished && elapsed - _lastDrawn < TimeSpan.FromMilliseconds(100)) return;
        _lastDrawn = elapsed;
        double rate = done / Math.Max(1e-9, elapsed.TotalSeconds);
        double eta = (total - done) / Math.Max(1e-9, rate);
        const int width = 30;
        int filled = (int)((long)width * done / total);
        string bar = new string('#', filled) + new string('.', width - filled);
        Console.Error.Write(FormattableString.Invariant($"\repoch {epoch}/{_epochs} [{bar}] {done}/{total} {rate:F0} samples/s ETA {eta:F1}s   "));
        if (finished) Console.Error.Write("\r" + new string(' ', 100) + "\r");
    }
}
