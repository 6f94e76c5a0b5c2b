using System.Globalization;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// The flags of one verb: <c>--name value</c> pairs and bare <c>--switch</c>es, checked against the verb's
/// known names so that a typo is an error, not silently ignored. Typed getters validate ranges and say
/// which flag is wrong and why.
/// </summary>
public sealed class Flags
{
    private readonly string _verb;
    private readonly Dictionary<string, string?> _values = new();
    private readonly HashSet<string> _read = new();

    private Flags(string verb) => _verb = verb;

    /// <summary>
    /// Parses <paramref name="args"/>; <paramref name="valued"/> are the flags that take a value,
    /// <paramref name="switches"/> the ones that do not.
    /// </summary>
    public static Flags Parse(string verb, string[] args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> switches)
    {
        var flags = new Flags(verb);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"{verb}: unexpected argument '{arg}' (flags start with --).");
            string name = arg[2..];
            string? inline = null;
            int equals = name.IndexOf('=');
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }
            if (flags._values.ContainsKey(name)) throw new UsageException($"{verb}: --{name} is given twice.");
            if (switches.Contains(name))
            {
                if (inline is not null) throw new UsageException($"{verb}: --{name} takes no value.");
                flags._values[name] = null;
            }
            else if (valued.Contains(name))
            {
                string? value = inline;
                if (value is null)
                {
                    if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        throw new UsageException($"{verb}: --{name} needs a value.");
                    value = args[++i];
                }
                flags._values[name] = value;
            }
            else
            {
                var known = valued.Concat(switches).Order().Select(k => "--" + k);
                throw new UsageException($"{verb}: unknown flag --{name}. Known flags: {string.Join(", ", known)}.");
            }
        }
        return flags;
    }

    /// <summary>True when the switch or flag was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>A string value, or <paramref name="fallback"/>.</summary>
    public string String(string name, string fallback) => _values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    /// <summary>A string value that must be given.</summary>
    public string Required(string name) =>
        _values.TryGetValue(name, out var v) && v is not null ? v : throw new UsageException($"{_verb}: --{name} is required.");

    /// <summary>
    /// The picture file a verb writes, which must be given and end in .png (any case): the pictures are PNG, and a
    /// file named .jpg or .gif holding PNG data would mislead whatever opens it.
    /// </summary>
    public string PictureFile(string name) => CheckPictureFile(name, Required(name));

    /// <summary>As <see cref="PictureFile(string)"/>, with <paramref name="fallback"/> when the flag is not given.</summary>
    public string PictureFile(string name, string fallback) => CheckPictureFile(name, String(name, fallback));

    private string CheckPictureFile(string name, string path)
    {
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"{_verb}: --{name} must name a .png file (the pictures are PNG), not '{path}'.");
        return path;
    }

    /// <summary>One of <paramref name="choices"/>.</summary>
    public string Choice(string name, string fallback, params string[] choices)
    {
        string value = String(name, fallback);
        if (!choices.Contains(value)) throw new UsageException($"{_verb}: --{name} must be one of {string.Join(", ", choices)}, not '{value}'.");
        return value;
    }

    /// <summary>An integer in [min, max].</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!_values.TryGetValue(name, out var text) || text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new UsageException($"{_verb}: --{name} needs a whole number, not '{text}'.");
        if (value < min || value > max) throw new UsageException($"{_verb}: --{name} must be between {min} and {max}, not {value}.");
        return value;
    }

    /// <summary>An optional integer ≥ <paramref name="min"/>.</summary>
    public int? OptionalInt(string name, int min) => Has(name) ? Int(name, 0, min) : null;

    /// <summary>A finite number in [min, max] (or (min, max] when <paramref name="exclusiveMin"/>).</summary>
    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue, bool exclusiveMin = false)
    {
        if (!_values.TryGetValue(name, out var text) || text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new UsageException($"{_verb}: --{name} needs a finite number, not '{text}'.");
        if (value < min || value > max || (exclusiveMin && value == min))
            throw new UsageException($"{_verb}: --{name} must be {(exclusiveMin ? ">" : "≥")} {min.ToString(CultureInfo.InvariantCulture)}{(max < double.MaxValue ? $" and ≤ {max.ToString(CultureInfo.InvariantCulture)}" : "")}, not {text}.");
        return value;
    }
}
