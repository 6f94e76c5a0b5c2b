namespace ScratchVae.Autograd;

/// <summary>What the tape needs from a recorded operation, whatever its element type.</summary>
internal interface ITapeEntry
{
    /// <summary>Runs the backward rule if backward pass <paramref name="pass"/> has reached the operation's output.</summary>
    void RunBackward(int pass);

    /// <summary>Throws, naming the operation, unless it can be replayed: every input is a leaf or a recorded value.</summary>
    void CheckReplayable(int position);

    /// <summary>Recomputes the operation's output (and what it saved) from its inputs' current values.</summary>
    void Replay();

    /// <summary>Frees the tensors the operation saved for its backward rule.</summary>
    void Release();
}
