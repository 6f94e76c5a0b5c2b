using System.Numerics;
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
/// <see cref="NoGrad"/> opens a scope that records nothing and allocates no gradient buffers (evaluation,
/// sampling); it still owns and frees the values computed inside it.
/// </para>
/// Scopes are per thread: a tape must be used on the thread that created it.
/// </summary>
public sealed class Tape : IDisposable
{
    [ThreadStatic] private static List<Tape>? t_active;

    private readonly List<ITapeEntry> _operations = [];
    private readonly List<IDisposable> _owned = [];
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
    public int ValueCount => _owned.Count;

    /// <summary>The number of the latest backward pass (gradients of intermediate values belong to it).</summary>
    internal int LastPass { get; private set; }

    /// <summary>Takes ownership of <paramref name="value"/>: it is freed on reset.</summary>
    internal void Own(IDisposable value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _owned.Add(value);
    }

    /// <summary>Appends an operation; the order of calls is a topological order.</summary>
    internal void Record(ITapeEntry operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsRecording) throw new InvalidOperationException("A no-gradient scope cannot record operations.");
        _operations.Add(operation);
    }

    /// <summary>
    /// Back-propagates <paramref name="seed"/> from <paramref name="root"/>, an output recorded on this tape.
    /// Intermediate gradients start afresh each pass (so Backward may be called again on the same graph, e.g.
    /// once per output element by the gradient checker); parameters add to what they hold.
    /// </summary>
    internal void Backward<T>(Var<T> root, Tensor<T> seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int index = _operations.LastIndexOf(root.Creator!);
        if (index < 0)
            throw new InvalidOperationException($"Backward: the operation '{root.Operation}' {root.Shape} is not on its tape any more (the tape was reset).");
        int pass = ++LastPass;
        // ∂L/∂root = seed.
        var target = root.TargetFor(pass)!.Value;
        root.Device.Backend.Copy(seed.Buffer, 0, target.Buffer, 0, root.Length);
        // Reverse topological order: when an operation runs, every consumer of its output has already added its
        // contribution to the output's gradient.
        for (int i = index; i >= 0; i--) _operations[i].RunBackward(pass);
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
    }

    /// <summary>Frees what the scope owns (as <see cref="Reset"/>) and deactivates it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        ReleaseAll();
        _disposed = true;
        t_active?.Remove(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{(IsRecording ? "Tape" : "NoGrad scope")}: {OperationCount} operations, {ValueCount} values";
}
