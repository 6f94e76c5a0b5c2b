using System.Globalization;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// The flags given to one verb, parsed against its table (<see cref="Verb.Flags"/>): <c>--name value</c>,
/// <c>--name=value</c> and bare <c>--switch</c>es, under their names or aliases, so that a typo is an error (with the
/// nearest name), not silently ignored. The typed getters take the default and range from the table, validate, and
/// say which flag is wrong and why; reading a flag the table lacks is a defect and throws
/// <see cref="InvalidOperationException"/>.
/// </summary>
public sealed class Flags
{
    private readonly Verb _verb;
    private readonly Dictionary<string, string?> _values = new();
    private readonly Dictionary<string, string> _spelled = new();
    private readonly List<string> _notes = new();

    private Flags(Verb verb) => _verb = verb;

    /// <summary>The verb whose flags these are.</summary>
    public Verb Verb => _verb;

    /// <summary>Notes for standard error about what was accepted but should change (a former flag name).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>
    /// Parses <paramref name="args"/> (what follows the verb's name) against <paramref name="verb"/>'s table;
    /// <paramref name="program"/> is what runs the verb, for the hint that names <c>--help</c>.
    /// </summary>
    public static Flags Parse(Verb verb, string[] args, string program = Program.Name)
    {
                var flags = new Flags(verb);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                string? near = Suggestions.Nearest(arg.TrimStart('-'), verb.Flags.SelectMany(f => f.Names));
                throw new UsageException($"{verb.Name}: unexpected argument '{arg}' (flags start with --{(near is null ? "" : $"; did you mean --{near}?")}).");
            }
            string name = arg[2..];
            string? inline = null;
            int equals = name.IndexOf('=');
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }
            var flag = verb.Find(name);
            if (flag is null)
            {
                string? near = Suggestions.Nearest(name, verb.Flags.SelectMany(f => f.Names.Except(f.Deprecated)));
                throw new UsageException($"{verb.Name}: unknown flag --{name}{Suggestions.DidYouMean(near is null ? null : "--" + near)} ({HelpHint(verb, program)})");
            }
            if (flags._spelled.TryGetValue(flag.Name, out string? earlier))
                throw new UsageException(earlier == name
                    ? $"{verb.Name}: --{name} is given twice."
                    : $"{verb.Name}: --{flag.Name} is given twice (as --{earlier} and --{name}).");
            if (flag.Deprecated.Contains(name)) flags._notes.Add($"note: {verb.Name}: --{name} is now --{flag.Name}; the old name will go.");
            flags._spelled[flag.Name] = name;
            if (flag.Type == FlagType.Switch)
            {
                if (inline is not null) throw new UsageException($"{verb.Name}: --{name} takes no value.");
                flags._values[flag.Name] = null;
                continue;
            }
            string? value = inline;
            if (value is null)
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new UsageException($"{verb.Name}: --{name} needs a value ({flag.Usage}).");
                value = args[++i];
            }
            flags._values[flag.Name] = value;
        }
        return flags;
    }

    /// <summary>How to see a verb's flags, for error messages.</summary>
    public static string HelpHint(Verb verb, string program) => $"{program} {verb.Name} --help lists its flags";

    /// <summary>The flags given, by their current names, in no particular order.</summary>
    public IReadOnlyCollection<string> Given => _values.Keys;

    /// <summary>True when the switch or flag was given (under any of its names).</summary>
    public bool Has(string name) => _values.ContainsKey(Flag(name).Name);

    /// <summary>A string value, or the table's default.</summary>
    public string String(string name) => Text(name) ?? DefaultOf(name);

    /// <summary>A string value, or <paramref name="fallback"/> (for a default the table cannot state: the checkpoint's).</summary>
    public string String(string name, string fallback) => Text(name) ?? Fallback(name, fallback);

    /// <summary>A string value when given, else null (a flag whose absence means "the usual way").</summary>
    public string? OptionalString(string name) => Text(name);

    /// <summary>A string value that must be given.</summary>
    public string Required(string name) => Text(name) ?? throw new UsageException($"{_verb.Name}: --{name} is required ({Flag(name).Usage}).");

    /// <summary>
    /// The picture file a verb writes, which must end in .png or .svg (any case): the picture is saved in the format its
    /// name says, and a file named .jpg or .gif holding PNG data would mislead whatever opens it. Required unless the
    /// table has a default.
    /// </summary>
    public string PictureFile(string name) => CheckPictureFile(name, Flag(name).Default is null ? Required(name) : String(name));

    private string CheckPictureFile(string name, string path)
    {
        if (Images.PictureFormats.Of(path) == Images.PictureFormat.Unknown)
            throw new UsageException($"{_verb.Name}: --{name} must name a .png or .svg file, not '{path}'.");
        return path;
    }

    /// <summary>One of the table's choices (any case; returned as the table spells it), or the default.</summary>
    public string Choice(string name)
    {
        var flag = Flag(name);
        string value = String(name);
        return flag.Choices.FirstOrDefault(choice => string.Equals(choice, value, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"{_verb.Name}: --{Spelled(name)} must be one of {string.Join(", ", flag.Choices)}, not '{value}'{Suggestions.EndWith(Suggestions.Nearest(value, flag.Choices))}");
    }

    /// <summary>
    /// An integer in the table's range, or the default (<paramref name="fallback"/> where the table has none);
    /// <paramref name="max"/> narrows the range where it depends on the data (an index into the test set).
    /// </summary>
    public int Int(string name, int? fallback = null, int? max = null)
    {
        var flag = Flag(name);
        string? text = Text(name);
        if (text is null) return fallback is int given ? Fallback(name, given) : int.Parse(DefaultOf(name), CultureInfo.InvariantCulture);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new UsageException($"{_verb.Name}: --{Spelled(name)} needs a whole number, not '{text}'.");
        double? high = max is int narrower && (flag.Max is null || narrower < flag.Max) ? narrower : flag.Max;
        if (value < (flag.Min ?? int.MinValue) || value > (high ?? int.MaxValue))
            throw new UsageException($"{_verb.Name}: --{Spelled(name)} must be {MustBe(flag.Min, high, exclusiveMin: false)}, not {value}.");
        return value;
    }

    /// <summary>An integer in the table's range when given, else null (a flag whose absence means "all" or "automatic").</summary>
    public int? OptionalInt(string name) => Has(name) ? Int(name) : null;

    /// <summary>A finite number in the table's range, or the default (<paramref name="fallback"/> where the table has none).</summary>
    public double Double(string name, double? fallback = null)
    {
        var flag = Flag(name);
        string? text = Text(name);
        if (text is null) return fallback is double given ? Fallback(name, given) : double.Parse(DefaultOf(name), CultureInfo.InvariantCulture);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new UsageException($"{_verb.Name}: --{Spelled(name)} needs a finite number, not '{text}'.");
        double low = flag.Min ?? double.MinValue, high = flag.Max ?? double.MaxValue;
        if (value < low || value > high || (flag.ExclusiveMin && value == low))
            throw new UsageException($"{_verb.Name}: --{Spelled(name)} must be {MustBe(flag.Min, flag.Max, flag.ExclusiveMin)}, not {text}.");
        return value;
    }

    /// <summary>A number in the table's range when given, else null.</summary>
    public double? OptionalDouble(string name) => Has(name) ? Double(name) : null;

    /// <summary>The items of a list flag (or of its default), split at commas and trimmed; empty items are dropped.</summary>
    public string[] List(string name) => String(name).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string? Text(string name) => _values.TryGetValue(Flag(name).Name, out var value) ? value : null;

    private string Spelled(string name) => _spelled.TryGetValue(Flag(name).Name, out var spelled) ? spelled : name;

    private string DefaultOf(string name) =>
        Flag(name).Default ?? throw new InvalidOperationException($"{_verb.Name}: --{name} has no default in its flag table, and the verb gave none.");

    // A verb's own default, for a flag whose table states none: a fixed default belongs in the table, where --help shows it.
    private T Fallback<T>(string name, T fallback) =>
        Flag(name).Default is null ? fallback : throw new InvalidOperationException($"{_verb.Name}: --{name} has the default {Flag(name).Default} in its flag table; the verb must not give another.");

    /// <summary>"between 1 and 10", "&gt; 0 and ≤ 10", "≥ 0": what a number must be, for error messages.</summary>
    private static string MustBe(double? low, double? high, bool exclusiveMin)
    {
        string Number(double value) => Cli.Flag.Number(value);
        string lower = exclusiveMin ? ">" : "≥";
        if (low is double l && high is double h) return exclusiveMin ? $"> {Number(l)} and ≤ {Number(h)}" : $"between {Number(l)} and {Number(h)}";
        if (low is double only) return $"{lower} {Number(only)}";
        return high is double top ? $"≤ {Number(top)}" : "a number";
    }

    private Flag Flag(string name) =>
        _verb.Find(name) ?? throw new InvalidOperationException($"{_verb.Name} reads --{name}, which its flag table does not have.");
}
