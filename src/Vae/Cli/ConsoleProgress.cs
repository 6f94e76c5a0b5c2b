using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// A one-line progress bar on standard error: examples done, samples per second and the time left in the epoch.
/// Drawn only on a terminal (redirected output gets just the per-epoch lines), at most ten times a second.
/// Optionally, the loss of each of the first optimizer steps on standard output (<c>train --log-steps N</c>):
/// <c>step S loss L</c>, L the negative ELBO per example of step S's mini-batch, with every significant digit of
/// the float32 loss, so runs on two devices can be compared step by step.
/// </summary>
public sealed class ConsoleProgress : ITrainingProgress
{
    private readonly int _epochs;
    private readonly int _logSteps;
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private TimeSpan _lastDrawn = TimeSpan.MinValue;

    /// <summary>Creates a bar for a run of <paramref name="epochs"/> epochs that prints the loss of steps 1 … <paramref name="logSteps"/>.</summary>
    public ConsoleProgress(int epochs, int logSteps = 0)
    {
        _epochs = epochs;
        _logSteps = logSteps;
    }

    /// <inheritdoc />
    public void StepCompleted(int step, double lossPerExample)
    {
        if (step > _logSteps) return;
        if (_enabled) Console.Error.Write("\r" + new string(' ', 100) + "\r");
        Console.WriteLine(FormattableString.Invariant($"step {step} loss {lossPerExample:R}"));
    }

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
