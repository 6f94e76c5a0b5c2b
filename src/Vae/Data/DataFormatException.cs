namespace ScratchVae.Vae.Data;

/// <summary>A data file that is missing or not what it claims to be; the message names the file and the problem.</summary>
public sealed class DataFormatException(string file, string problem) : Exception($"{file}: {problem}.")
{
    /// <summary>The offending file.</summary>
    public string File { get; } = file;
}
