using System.Runtime.InteropServices;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM — what <c>timeout</c>, schedulers and containers send — during training: the first
/// asks the trainer to stop after the current step and save; while a checkpoint is being saved every further signal
/// waits for the save to finish; outside a save, a second signal ends the process at once, as usual.
/// </summary>
public sealed class TrainingSignals : IDisposable
{
    private readonly CancellationTokenSource _interrupt = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _saving;

    /// <summary>Starts handling SIGINT and SIGTERM.</summary>
    public TrainingSignals()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Fires at the first signal.</summary>
    public CancellationToken Interrupt => _interrupt.Token;

    /// <summary>Runs <paramref name="save"/> with every signal held off until it returns (the request to stop is kept).</summary>
    public void Save(Action save)
    {
        ArgumentNullException.ThrowIfNull(save);
        Interlocked.Exchange(ref _saving, 1);
        try
        {
            save();
        }
        finally
        {
            Interlocked.Exchange(ref _saving, 0);
        }
    }

    private void Handle(PosixSignalContext context)
    {
        string name = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "interrupt";
        if (Volatile.Read(ref _saving) == 1)
        {
            context.Cancel = true;
            _interrupt.Cancel();
            Console.Error.WriteLine($"\n{name}: a checkpoint is being saved; stopping once it is complete …");
            return;
        }
        if (_interrupt.IsCancellationRequested) return; // a second signal outside a save: the process ends as usual
        context.Cancel = true;
        _interrupt.Cancel();
        Console.Error.WriteLine($"\n{name}: saving the checkpoint after the current step …");
    }

    /// <summary>Stops handling the signals.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _interrupt.Dispose();
    }
}
