namespace ScratchVae.Autograd;

/// <summary>What the tape needs from a recorded operation, whatever its element type.</summary>
internal interface ITapeEntry
{
    /// <summary>Runs the backward rule if backward pass <paramref name="pass"/> has reached the operation's output.</summary>
    void RunBackward(int pass);

    /// <summary>Frees the tensors the operation saved for its backward rule.</summary>
    void Release();
}
