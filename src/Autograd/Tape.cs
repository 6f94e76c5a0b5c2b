using System.Numerics;
using ScratchVae.Kernels;

namespace ScratchVae.Autograd;

/// <summary>
/// The record of a forward pass, and the owner of the values it computed.
/// <para>
/// The core, in this file, is micrograd's: while a tape is the active scope of the thread, every operation whose
/// inputs require gradients is appended to it as it runs (<see cref="Record"/>), so the list is already a topological
/// order of the graph. <see cref="Var{T}.Backward()"/> walks it backwards, and each operation <b>adds</b> ∂L/∂input
/// into each input's gradient (<see cref="Operation{T}.GradientTarget"/>); when an operation runs, every consumer of
/// its output has added its part.
/// </para>
/// <para>
/// Around it: scopes (creating a tape makes it the thread's active scope; scopes nest; <see cref="NoGrad"/> records
/// nothing and allocates no gradients), memory (<see cref="TapeMemory"/>: every value computed in a scope belongs to
/// it and is freed by <see cref="Reset"/> or <see cref="Dispose"/>, back to the device's pool, so a loop repeating
/// one step reaches a steady state; parameters are never freed by a tape), and replay (Tape.Replay.cs: run the
/// recorded operations again on new input values instead of building the graph again).
/// </para>
/// Scopes are per thread: a tape records on the thread that created it. Once its recording has ended, it may be
/// replayed, back-propagated and disposed from another thread, one thread at a time.
/// </summary>
public sealed partial class Tape : IDisposable
{
    private readonly List<ITapeEntry> _operations = [];

    /// <summary>Appends an operation; the order of calls is a topological order.</summary>
    internal void Record(ITapeEntry operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsRecording) throw new InvalidOperationException("A no-gradient scope cannot record operations.");
        ThrowIfRecordingEnded();
        _operations.Add(operation);
    }

    /// <summary>
    /// Back-propagates <paramref name="seed"/> from <paramref name="root"/>, an output recorded on this tape.
    /// Intermediate gradients start afresh each pass (so Backward may be called again on the same graph, e.g.
    /// once per output element by the gradient checker); parameters add to what they hold.
    /// </summary>
    internal void Backward<T>(Var<T> root, DeviceBuffer<T>? seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int index = _operations.LastIndexOf(root.Creator!);
        if (index < 0)
            throw new InvalidOperationException($"Backward: the operation '{root.Operation}' {root.Shape} is not on its tape any more (the tape was reset).");
        int pass = ++LastPass;
        // ∂L/∂root = seed (1 for a scalar loss when no seed is given).
        var target = root.TargetFor(pass)!.Value;
        if (seed is null) root.Device.Backend.Fill(target.Buffer, 0, root.Length, T.One);
        else root.Device.Backend.Copy(seed, 0, target.Buffer, 0, root.Length);
        // Reverse topological order: each operation adds its inputs' gradients.
        for (int i = index; i >= 0; i--) _operations[i].RunBackward(pass);
    }

    /// <summary>The number of the latest backward pass (gradients of intermediate values belong to it).</summary>
    internal int LastPass { get; private set; }

    // ---- Scopes ----

    [ThreadStatic] private static List<Tape>? t_active;

    private readonly TapeMemory _memory = new();
    private bool _disposed;

    /// <summary>Creates a recording tape and makes it the active scope of this thread.</summary>
    public Tape() : this(recording: true)
    {
    }

    private Tape(bool recording)
    {
        IsRecording = recording;
        (t_active ??= []).Add(this);
    }

    /// <summary>
    /// Opens a scope that records no operations and allocates no gradients; values computed inside it do not
    /// require gradients, and are freed when the scope is disposed. <c>using (Tape.NoGrad()) { … }</c>
    /// </summary>
    public static Tape NoGrad() => new(recording: false);

    /// <summary>The innermost active scope of this thread, or null.</summary>
    public static Tape? Current => t_active is { Count: > 0 } active ? active[^1] : null;

    /// <summary>True for a tape that records operations; false for a <see cref="NoGrad"/> scope.</summary>
    public bool IsRecording { get; }

    /// <summary>The number of operations recorded since the last reset.</summary>
    public int OperationCount => _operations.Count;

    /// <summary>The number of values this scope owns (computed since the last reset, plus constants made in it).</summary>
    public int ValueCount => _memory.Count;

    // ---- Memory ----

    /// <summary>Takes ownership of <paramref name="value"/>: it is freed on reset.</summary>
    internal void Own(IDisposable value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfRecordingEnded();
        _memory.Own(value);
    }

    /// <summary>
    /// Frees every value computed in this scope since the last reset, their gradients and the tensors saved for
    /// backward, and forgets the recorded operations. The tape stays active. Parameters are untouched.
    /// </summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReleaseAll();
    }

    private void ReleaseAll()
    {
        _memory.Free(_operations);
        _operations.Clear();
        _replayChecked = 0;
    }

    /// <summary>Frees what the scope owns (as <see cref="Reset"/>) and deactivates it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        ReleaseAll();
        _disposed = true;
        if (!_recordingEnded) t_active?.Remove(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{(IsRecording ? "Tape" : "NoGrad scope")}: {OperationCount} operations, {ValueCount} values";
}
