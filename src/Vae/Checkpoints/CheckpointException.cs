namespace ScratchVae.Vae.Checkpoints;

/// <summary>A checkpoint file that is missing, corrupt or does not fit the model; nothing was loaded.</summary>
public sealed class CheckpointException(string file, string problem) : Exception($"{file}: {problem}; the checkpoint was not loaded.")
{
    /// <summary>The offending file.</summary>
    public string File { get; } = file;
}
