namespace ScratchVae.Vae.Cli;

/// <summary>
/// A verb of a command line (<c>train</c>, <c>demo init</c>, a bench suite): its name, one line of help, its flag
/// table and what runs it. A verb with <see cref="SubVerbs"/> (<c>demo</c>) only names them and runs nothing itself.
/// </summary>
/// <param name="Name">The words that name it, as typed after the program (<c>demo init</c>); messages start with it.</param>
/// <param name="Summary">One line: what it does.</param>
/// <param name="Flags">Its flag table, in the order <c>--help</c> lists it.</param>
/// <param name="Run">Runs it with the parsed flags and returns the exit code; null for a verb with sub-verbs.</param>
public sealed record Verb(string Name, string Summary, IReadOnlyList<Flag> Flags, Func<Flags, int>? Run)
{
    /// <summary>Further lines that <c>--help</c> prints under the summary.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    /// <summary>The verbs named by the word after this one (<c>demo init</c>, <c>demo ring</c>, …).</summary>
    public IReadOnlyList<Verb> SubVerbs { get; init; } = [];

    /// <summary>What a sub-verb is called in messages ("demonstration").</summary>
    public string SubVerbNoun { get; init; } = "verb";

    /// <summary>The last word of <see cref="Name"/>: what selects this verb among its siblings.</summary>
    public string Word => Name[(Name.LastIndexOf(' ') + 1)..];

    /// <summary>The flag called <paramref name="name"/> (its current name, an alias or a former name), or null.</summary>
    public Flag? Find(string name) => Flags.FirstOrDefault(flag => flag.Names.Contains(name, StringComparer.Ordinal));

    /// <summary>The sub-verb whose word is <paramref name="word"/>, or null.</summary>
    public Verb? FindSubVerb(string word) => SubVerbs.FirstOrDefault(verb => verb.Word == word);
}
