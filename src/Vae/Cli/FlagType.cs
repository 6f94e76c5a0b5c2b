namespace ScratchVae.Vae.Cli;

/// <summary>What a flag's value is: it decides how the value is read and how <c>--help</c> and the README name it.</summary>
public enum FlagType
{
    /// <summary>A whole number, within the flag's range.</summary>
    Int,

    /// <summary>A finite number, within the flag's range.</summary>
    Double,

    /// <summary>Free text, or a name such as a data set or a device.</summary>
    String,

    /// <summary>One of a fixed list of names.</summary>
    Choice,

    /// <summary>No value: given or not.</summary>
    Switch,

    /// <summary>Comma-separated items (<c>1024,768,512</c>).</summary>
    List,

    /// <summary>A file or folder.</summary>
    Path,
}
