using System.Reflection;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Vae;

/// <summary>The scratchvae command line: <c>scratchvae VERB [flags]</c>.</summary>
public static class Program
{
    /// <summary>The command's name, as messages and help print it.</summary>
    public const string Name = "scratchvae";

    /// <summary>The assembly's informational version: the package version and, when built from git, the commit.</summary>
    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Program).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// Runs a verb and returns the process exit code (0 success, 1 failure, 2 bad usage, 130 interrupted). The verbs
    /// and their flags are the tables of <see cref="Verbs.All"/>: they parse the arguments, and print <c>help</c>,
    /// <c>VERB --help</c> and the README's flag tables.
    /// </summary>
    public static int Main(string[] args)
    {
        try
        {
            if (args.Length == 0)
            {
                Console.Error.Write(FlagHelp.VerbList(Verbs.All, Name));
                return 2;
            }
            if (args[0] == "--version")
            {
                Console.WriteLine($"{Name} {Version}");
                return 0;
            }
            if (args[0] is "help" or "--help" or "-h") return Help(args[1..]);
            var (verb, rest) = Verbs.Resolve(Verbs.All, args, Name);
            if (rest.Any(IsHelp))
            {
                Console.Write(FlagHelp.ForVerb(verb, Name));
                return 0;
            }
            if (verb.Run is null)
                throw new UsageException($"{verb.Name}: name a {verb.SubVerbNoun}, one of: {string.Join(", ", verb.SubVerbs.Select(sub => sub.Word))} (e.g. {Name} {verb.SubVerbs[0].Name} --help).");
            var flags = Flags.Parse(verb, rest);
            foreach (string note in flags.Notes) Console.Error.WriteLine($"{Name}: {note}");
            return verb.Run(flags);
        }
        catch (UsageException usage)
        {
            return Fail(usage.Message);
        }
        catch (Exception exception) when (exception is Data.DataFormatException or Checkpoints.CheckpointException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"scratchvae: {exception.Message}");
            return 1;
        }
        catch (Exception exception)
        {
            // Anything else is a defect or an input no check caught: one line naming it, exit 1, nothing saved lost
            // (saves are atomic). SCRATCHVAE_STACK_TRACES=1 prints the trace as well.
            Console.Error.WriteLine($"scratchvae: {exception.GetType().Name}: {exception.Message.Split('\n')[0]}");
            if (Environment.GetEnvironmentVariable("SCRATCHVAE_STACK_TRACES") is not null) Console.Error.WriteLine(exception);
            return 1;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"scratchvae: {message}");
        return 2;
    }

    private static bool IsHelp(string arg) => arg is "--help" or "-h";

    // help [VERB [NAME]] [--markdown]: the list of verbs, one verb's flags, or the README's flag tables.
    private static int Help(string[] args)
    {
        bool markdown = false;
        var words = new List<string>();
        foreach (string arg in args)
        {
            if (arg == "--markdown") markdown = true;
            else if (IsHelp(arg)) continue;
            else if (arg.StartsWith('-')) throw new UsageException($"help: unknown flag {arg}{Suggestions.DidYouMean(Suggestions.Nearest(arg.TrimStart('-'), ["markdown"]) is null ? null : "--markdown")} (help takes a verb and --markdown).");
            else words.Add(arg);
        }
        if (markdown && words.Count > 0) throw new UsageException("help: --markdown prints the tables of every verb; it takes no verb.");
        if (markdown) Console.Write(FlagHelp.Markdown(Verbs.All, Name));
        else if (words.Count == 0) Console.Write(FlagHelp.VerbList(Verbs.All, Name));
        else
        {
            var (verb, rest) = Verbs.Resolve(Verbs.All, [.. words], Name);
            if (rest.Length > 0) throw new UsageException($"help: {verb.Name} has no {verb.SubVerbNoun} '{rest[0]}'.");
            Console.Write(FlagHelp.ForVerb(verb, Name));
        }
        return 0;
    }
}
