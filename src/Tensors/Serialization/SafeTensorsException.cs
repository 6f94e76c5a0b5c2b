namespace ScratchVae.Tensors;

/// <summary>
/// A safetensors file (or a state dict read from one) that is missing, malformed or does not fit what it is loaded
/// into. The message names the file and the problem; nothing was loaded.
/// </summary>
public sealed class SafeTensorsException(string file, string problem) : IOException($"{file}: {problem}")
{
    /// <summary>The offending file (or the name given to the bytes parsed).</summary>
    public string File { get; } = file;

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; } = problem;
}
