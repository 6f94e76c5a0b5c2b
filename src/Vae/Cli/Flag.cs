using System.Globalization;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// One row of a verb's flag table: the name, the type of its value, its default, its range or choices and one line of
/// help. The same row parses the command line (<see cref="Flags"/>), prints <c>--help</c> and writes the README's
/// flag tables (<see cref="FlagHelp"/>).
/// </summary>
/// <param name="Name">The name without the leading <c>--</c>.</param>
/// <param name="Type">What the value is.</param>
/// <param name="Help">One line: what the flag sets.</param>
public sealed record Flag(string Name, FlagType Type, string Help)
{
    /// <summary>
    /// The value used when the flag is absent, written as it would be typed (<c>10</c>, <c>0.001</c>, <c>mnist</c>);
    /// null when there is none or when it depends on something else (then <see cref="DefaultNote"/> says what).
    /// </summary>
    public string? Default { get; init; }

    /// <summary>Said in place of a fixed default: "all cores", "the checkpoint's".</summary>
    public string? DefaultNote { get; init; }

    /// <summary>True when the verb cannot run without it.</summary>
    public bool Required { get; init; }

    /// <summary>The smallest value of an int or double flag (exclusive when <see cref="ExclusiveMin"/>); null for none.</summary>
    public double? Min { get; init; }

    /// <summary>The largest value of an int or double flag; null for none.</summary>
    public double? Max { get; init; }

    /// <summary>True when <see cref="Min"/> itself is not allowed (a learning rate must be &gt; 0).</summary>
    public bool ExclusiveMin { get; init; }

    /// <summary>The names a choice flag accepts.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Other names for the flag (PyTorch's, such as <c>batch-size</c> for <c>batch</c>); giving two of them is an error.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Former names, still accepted with a note that says the current one.</summary>
    public IReadOnlyList<string> Deprecated { get; init; } = [];

    /// <summary>What stands for the value in usage lines: <c>N</c>, <c>X</c>, <c>DIR</c>, <c>FILE.png</c>, <c>a|b</c>.</summary>
    public string Placeholder { get; init; } = "";

    /// <summary>The flag and its placeholder as typed: <c>--epochs N</c>, <c>--resume</c>.</summary>
    public string Usage => Type == FlagType.Switch ? "--" + Name : $"--{Name} {Placeholder}";

    /// <summary>Every name the flag answers to, the current one first.</summary>
    public IEnumerable<string> Names => [Name, .. Aliases, .. Deprecated];

    /// <summary>What the flag's value may be, in words (<c>1 to 100000</c>, <c>&gt; 0 and ≤ 10</c>, <c>adam, adamw, sgd</c>); empty when anything goes.</summary>
    public string RangeText
    {
        get
        {
            if (Type == FlagType.Choice) return string.Join(", ", Choices);
            if (Type is not (FlagType.Int or FlagType.Double)) return "";
            string? low = Min is double min ? Number(min) : null, high = Max is double max ? Number(max) : null;
            if (low is not null && high is not null) return ExclusiveMin ? $"> {low} and ≤ {high}" : $"{low} to {high}";
            if (low is not null) return $"{(ExclusiveMin ? ">" : "≥")} {low}";
            return high is not null ? $"≤ {high}" : "";
        }
    }

    /// <summary>The default as <c>--help</c> and the README show it: the value, the note, "required" or "none".</summary>
    public string DefaultText => Default ?? DefaultNote ?? (Required ? "required" : Type == FlagType.Switch ? "off" : "none");

    /// <summary>An int flag.</summary>
    public static Flag Int(string name, string help, int? @default = null, int? min = null, int? max = null) =>
        new(name, FlagType.Int, help) { Default = @default is int d ? Number(d) : null, Min = min, Max = max, Placeholder = "N" };

    /// <summary>A double flag; <paramref name="exclusiveMin"/> leaves out <paramref name="min"/> itself.</summary>
    public static Flag Double(string name, string help, double? @default = null, double? min = null, double? max = null, bool exclusiveMin = false) =>
        new(name, FlagType.Double, help) { Default = @default is double d ? Number(d) : null, Min = min, Max = max, ExclusiveMin = exclusiveMin, Placeholder = "X" };

    /// <summary>A free-text flag.</summary>
    public static Flag String(string name, string help, string? @default = null, string placeholder = "S") =>
        new(name, FlagType.String, help) { Default = @default, Placeholder = placeholder };

    /// <summary>A flag naming a file or folder.</summary>
    public static Flag Path(string name, string help, string? @default = null, string placeholder = "DIR") =>
        new(name, FlagType.Path, help) { Default = @default, Placeholder = placeholder };

    /// <summary>A flag taking comma-separated items.</summary>
    public static Flag List(string name, string help, string? @default, string placeholder) =>
        new(name, FlagType.List, help) { Default = @default, Placeholder = placeholder };

    /// <summary>A flag naming one of <paramref name="choices"/>.</summary>
    public static Flag Choice(string name, string help, string? @default, params IReadOnlyList<string> choices) =>
        new(name, FlagType.Choice, help) { Default = @default, Choices = choices, Placeholder = string.Join("|", choices) };

    /// <summary>A flag without a value.</summary>
    public static Flag Switch(string name, string help) => new(name, FlagType.Switch, help);

    /// <summary>A number as it would be typed: invariant culture, exponents short (<c>1e-8</c>, <c>1e12</c>, <c>0.001</c>).</summary>
    public static string Number(double value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        if (e < 0) return text;
        int exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{text[..e]}e{exponent.ToString(CultureInfo.InvariantCulture)}";
    }
}
