namespace ScratchVae.Vae.Cli;

/// <summary>The verbs of <c>scratchvae</c>, in the order <c>scratchvae help</c> lists them.</summary>
public static class Verbs
{
    /// <summary>Every verb; each carries its flag table.</summary>
    public static IReadOnlyList<Verb> All { get; } =
    [
        TrainCommand.Verb,
        EvalCommand.Verb,
        SampleCommand.Verb,
        ReconstructCommand.Verb,
        InterpolateCommand.Verb,
        ManifoldCommand.Verb,
        LatentScatterCommand.Verb,
        CurvesCommand.Verb,
        ImportCommand.Verb,
        ExportCommand.Verb,
        ExploreCommand.Verb,
        GradCheckCommand.Verb,
        WorkedExampleCommand.Verb,
        DemoCommand.Verb,
        DevicesCommand.Verb,
    ];

    /// <summary>
    /// Finds the verb that <paramref name="args"/> name, following sub-verbs (<c>demo init</c>), and returns it with the
    /// arguments after its name; a misspelt name is a <see cref="UsageException"/> with the nearest one.
    /// </summary>
    public static (Verb Verb, string[] Remaining) Resolve(IReadOnlyList<Verb> verbs, string[] args, string program)
    {
        var verb = verbs.FirstOrDefault(v => v.Name == args[0])
            ?? throw new UsageException($"unknown verb '{args[0]}'{Quoted(Suggestions.Nearest(args[0], verbs.Select(v => v.Name)))} ({program} help lists the verbs)");
        int next = 1;
        while (verb.SubVerbs.Count > 0)
        {
            string names = string.Join(", ", verb.SubVerbs.Select(sub => sub.Word));
            if (next >= args.Length || args[next].StartsWith('-'))
                return (verb, args[next..]);
            var sub = verb.FindSubVerb(args[next])
                ?? throw new UsageException($"{verb.Name}: unknown {verb.SubVerbNoun} '{args[next]}'{Quoted(Suggestions.Nearest(args[next], verb.SubVerbs.Select(s => s.Word)))} (one of: {names})");
            verb = sub;
            next++;
        }
        return (verb, args[next..]);
    }

    private static string Quoted(string? suggestion) => suggestion is null ? "" : $"; did you mean '{suggestion}'?";
}
