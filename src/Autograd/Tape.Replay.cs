namespace ScratchVae.Autograd;

/// <summary>
/// Replay: a training loop that runs the same forward pass every step can record it once and then call
/// <see cref="Replay"/> instead of building it again. Each recorded operation recomputes its output, in order, from
/// the current values of its inputs — the parameters as the optimizer left them, and constants whose tensors the loop
/// refilled (a new batch, new noise) — by running the same <see cref="Operation{T}"/> Forward as the eager pass. The
/// values, gradients and operations of the recording are reused, so a replayed step allocates nothing (the role of a
/// captured CUDA graph, or of a traced function), and the Vars the recording returned keep denoting the same nodes:
/// after a replay they hold the new values. <see cref="EndRecording"/> takes the tape off the thread's scope stack
/// while keeping the recording, so that a recorded step can live across other code.
/// </summary>
public sealed partial class Tape
{
    private bool _recordingEnded;
    // Operations [0, _replayChecked) were found replayable (checked once per recording, not per replay).
    private int _replayChecked;

    /// <summary>True after <see cref="EndRecording"/>: the tape keeps what it recorded but takes nothing new.</summary>
    public bool RecordingEnded => _recordingEnded;

    /// <summary>
    /// Recomputes every recorded operation, in recording order, from the current values of its inputs, into the
    /// values the recording produced. Intermediate gradients of the previous backward pass no longer apply and read
    /// as null until the next <see cref="Var{T}.Backward()"/>; parameters keep theirs.
    /// The first replay after a recording checks that every operation can be replayed: each input must be a
    /// parameter, a constant or a recorded value (a value computed without recording would keep its old contents);
    /// otherwise it throws, naming the operation, before anything is recomputed.
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
}
