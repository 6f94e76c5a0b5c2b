namespace ScratchVae.Vae.Cli;

/// <summary>"Did you mean": the known name nearest to a misspelt one, by edit distance.</summary>
public static class Suggestions
{
    /// <summary>
    /// The candidate closest to <paramref name="typed"/> (ignoring case), when it is close enough to be a slip: at most
    /// one edit per four letters (at least one), where swapping two neighbours counts as one edit (<c>trian</c> →
    /// <c>train</c>); otherwise the only candidate that starts with what was typed (three letters or more); otherwise null.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var names = candidates.Distinct(StringComparer.Ordinal).ToList();
        string lower = typed.ToLowerInvariant();
        int allowed = Math.Max(1, lower.Length / 4);
        var best = names.Select(name => (Name: name, Distance: Distance(lower, name.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed).OrderBy(c => c.Distance).FirstOrDefault();
        if (best.Name is not null) return best.Name;
        var extending = names.Where(name => lower.Length >= 3 && name.StartsWith(lower, StringComparison.OrdinalIgnoreCase)).ToList();
        return extending.Count == 1 ? extending[0] : null;
    }

    /// <summary>
    /// The optimal string alignment distance: the fewest insertions, deletions, substitutions and swaps of adjacent
    /// letters that turn <paramref name="a"/> into <paramref name="b"/> (no letter is edited twice).
    /// </summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    /// <summary>"; did you mean X?" for a suggestion, empty for none.</summary>
    public static string DidYouMean(string? suggestion) => suggestion is null ? "" : $"; did you mean {suggestion}?";

    /// <summary>What ends a message: "; did you mean X?" for a suggestion, a full stop for none.</summary>
    public static string EndWith(string? suggestion) => suggestion is null ? "." : $"; did you mean {suggestion}?";
}
