using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// The record of a forward pass, and the owner of the values it computed.
/// <para>
/// Creating a tape makes it the active scope of the current thread (scopes nest; the innermost is active).
/// While it is active, every operation whose inputs require gradients appends itself to the tape, in order, so
/// the list is a topological order of the graph: <see cref="Var{T}.Backward()"/> walks it backwards and each
/// operation adds its inputs' gradients (micrograd's walk, without the sort).
/// </para>
/// <para>
/// Memory: every value computed while a scope is active belongs to it. <see cref="Reset"/> frees them all —
/// values, their gradients and the tensors operations saved — and keeps the tape active for the next step;
/// <see cref="Dispose"/> does the same and deactivates it. Buffers go back to the device's pool, so a training
/// loop that repeats the same step reaches a steady state with no new device allocations. Parameters are never
/// freed by a tape.
/// </para>
/// <para>
/// Replay: a training loop that runs the same forward pass every step can record it once and then call
/// <see cref="Replay"/> instead of building it again: each recorded operation recomputes its output, in order, from
/// the current values of its inputs — the parameters as the optimizer left them, and constants whose tensors the
/// loop refilled (a new batch, new noise). The values, gradients and operations of the recording are reused, so a
/// replayed step allocates nothing (the role of a captured CUDA graph, or of a traced function). The Vars the
/// recording returned keep denoting the same nodes: after a replay they hold the new values.
/// <see cref="EndRecording"/> takes the tape off the thread's scope stack while keeping the recording, so that
/// a recorded step can live across other code.
/// </para>
/// <para>
/// <see cref="NoGrad"/> opens a scope that records nothing and allocates no gradient buffers (evaluation,
/// sampling); it still owns and frees the values computed inside it.
/// </para>
/// Scopes are per thread: a tape records on the thread that created it. Once its recording has ended, it may be
/// replayed, back-propagated and disposed from another thread, one thread at a time.
/// </summary>
public sealed class Tape : IDisposable
{
    [ThreadStatic] private static List<Tape>? t_active;

    private readonly List<ITapeEntry> _operations = [];
    private readonly List<IDisposable> _owned = [];
    private bool _disposed;
    private bool _recordingEnded;
    // Operations [0, _replayChecked) were found replayable (checked once per recording, not per replay).
    private int _replayChecked;

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
    public int ValueCount => _owned.Count;

    /// <summary>True after <see cref="EndRecording"/>: the tape keeps what it recorded but takes nothing new.</summary>
    public bool RecordingEnded => _recordingEnded;

    /// <summary>The number of the latest backward pass (gradients of intermediate values belong to it).</summary>
    internal int LastPass { get; private set; }

    /// <summary>Takes ownership of <paramref name="value"/>: it is freed on reset.</summary>
    internal void Own(IDisposable value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfRecordingEnded();
        _owned.Add(value);
    }

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
        // Reverse topological order: when an operation runs, every consumer of its output has already added its
        // contribution to the output's gradient.
        for (int i = index; i >= 0; i--) _operations[i].RunBackward(pass);
    }

    /// <summary>
    /// Recomputes every recorded operation, in recording order, from the current values of its inputs, into the
    /// values the recording produced (see the class remarks). Intermediate gradients of the previous backward pass
    /// no longer apply and read as null until the next <see cref="Var{T}.Backward()"/>; parameters keep theirs.
    /// The first replay after a recording checks that every operation can be replayed: each must override
    /// <see cref="Operation{T}.Forward"/>, and each input must be a parameter, a constant or a recorded value (a
    /// value computed without recording would keep its old contents); otherwise it throws, naming the operation,
    /// before anything is recomputed.
    /// </summary>
    public void Replay()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsRecording) throw new InvalidOperationException("Replay: a no-gradient scope records no operations, so there is nothing to replay.");
        for (; _replayChecked < _operations.Count; _replayChecked++) _operations[_replayChecked].CheckReplayable(_replayChecked);
        LastPass++;
        for (int i = 0; i < _operations.Count; i++) _operations[i].Replay();
    }

    /// <summary>
    /// Stops recording: the tape leaves this thread's scope stack (the enclosing scope, if any, is active again) and
    /// keeps its values and operations for <see cref="Replay"/> and backward passes. Call it on the thread that
    /// created the tape. Operations computed afterwards belong to whatever scope is active then.
    /// </summary>
    public void EndRecording()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_recordingEnded) return;
        if (t_active is null || !t_active.Contains(this))
            throw new InvalidOperationException("EndRecording: the tape is not a scope of this thread; call it on the thread that created the tape.");
        t_active.Remove(this);
        _recordingEnded = true;
    }

    private void ThrowIfRecordingEnded()
    {
        if (_recordingEnded) throw new InvalidOperationException("The tape's recording was ended (EndRecording); it takes no new values or operations.");
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
        // Free in reverse order of creation so that the pool hands the same buffers back in the same order
        // next step (not needed for correctness, but it keeps allocation patterns stable).
        for (int i = _operations.Count - 1; i >= 0; i--) _operations[i].Release();
        _operations.Clear();
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
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
