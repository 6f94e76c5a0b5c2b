using System.Text.RegularExpressions;
using ScratchVae.Vae;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Tests.Docs;

/// <summary>
/// The README's flag tables are the flag tables of the code (<see cref="Verbs.All"/>, printed by
/// <c>scratchvae help --markdown</c>): every verb, every flag, its type, default and range. And every
/// <c>scratchvae</c> command line the documents show parses against those tables, under the current names, with
/// valid values.
/// </summary>
[TestFixture]
public partial class FlagTablesTests
{
    private static string Readme => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    private static string Section(string markdown)
    {
        int begin = markdown.IndexOf(FlagHelp.MarkdownBegin, StringComparison.Ordinal);
        int end = markdown.IndexOf(FlagHelp.MarkdownEnd, StringComparison.Ordinal);
        Assert.That(begin, Is.GreaterThanOrEqualTo(0), "README.md has no generated flag tables (the begin marker)");
        Assert.That(end, Is.GreaterThan(begin), "README.md's flag tables have no end marker after the begin marker");
        return markdown[begin..(end + FlagHelp.MarkdownEnd.Length)].ReplaceLineEndings("\n") + "\n";
    }

    // "| `--batch N` or `--batch-size` | int | `128` | 1 to 65536 | examples per optimizer step |": cells split at
    // pipes that are not escaped.
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSeparator();

    private static Dictionary<string, List<(string Flag, string Type, string Default, string Range)>> ParseTables(string section)
    {
        var tables = new Dictionary<string, List<(string, string, string, string)>>();
        List<(string, string, string, string)>? current = null;
        foreach (string line in section.Split('\n'))
        {
            var heading = Regex.Match(line, @"^#### `scratchvae (.+)`$");
            if (heading.Success) tables[heading.Groups[1].Value] = current = new();
            else if (line.StartsWith("| `--", StringComparison.Ordinal) && current is not null)
            {
                var cells = CellSeparator().Split(line.Trim().Trim('|')).Select(cell => cell.Trim().Replace("\\|", "|", StringComparison.Ordinal)).ToArray();
                Assert.That(cells, Has.Length.EqualTo(5), line);
                string flag = Regex.Match(cells[0], "^`--([a-z0-9-]+)").Groups[1].Value;
                current.Add((flag, cells[1], cells[2].Trim('`'), cells[3]));
            }
        }
        return tables;
    }

    [Test]
    public void TheReadmesFlagTablesListEveryVerbsFlagsWithTheirTypesDefaultsAndRanges()
    {
        var tables = ParseTables(Section(Readme));
        var verbs = Verbs.All.SelectMany(verb => verb.SubVerbs.Count > 0 ? verb.SubVerbs : [verb]).ToList();
        Assert.That(tables.Keys, Is.EquivalentTo(verbs.Select(verb => verb.Name)), "a table per verb and demonstration");
        foreach (var verb in verbs)
        {
            var expected = verb.Flags.Select(flag => (flag.Name, flag.Type.ToString().ToLowerInvariant(), flag.Default ?? flag.DefaultText, flag.RangeText)).ToList();
            Assert.That(tables[verb.Name], Is.EqualTo(expected), $"README.md's table of {verb.Name} (regenerate: scratchvae help --markdown)");
        }
    }

    [Test]
    public void TheReadmesFlagTablesAreExactlyWhatHelpMarkdownPrints()
    {
        string expected = FlagHelp.Markdown(Verbs.All, Program.Name);
        Assert.That(Section(Readme), Is.EqualTo(expected),
            "README.md's flag tables differ from the code's: replace the section between the markers with the output of 'dotnet run --project src/Vae -- help --markdown'");
    }

    // A command in a fenced block ("scratchvae VERB …" or "dotnet run … --project src/Vae -- VERB …"), continued
    // over lines that end in a backslash; or in an inline code span.
    [GeneratedRegex(@"^\s*(?:scratchvae|dotnet run -c Release --project src/Vae --) (?<command>.+)$")]
    private static partial Regex FencedCommand();

    [GeneratedRegex(@"`scratchvae (?<command>[a-z][^`]*)`")]
    private static partial Regex InlineCommand();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    private static IEnumerable<(string Document, string Command)> DocumentedCommands()
    {
        string root = RepositoryRoot.Path;
        var documents = new[] { Path.Combine(root, "README.md") }.Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        foreach (string document in documents)
        {
            string text = File.ReadAllText(document);
            string name = Path.GetRelativePath(root, document);
            foreach (Match fence in Fence().Matches(text))
            {
                string joined = fence.Value.Replace("\\\n", " ", StringComparison.Ordinal);
                foreach (string line in joined.Split('\n'))
                    if (FencedCommand().Match(line) is { Success: true } command) yield return (name, command.Groups["command"].Value);
            }
            foreach (Match inline in InlineCommand().Matches(Fence().Replace(text, "")))
                yield return (name, inline.Groups["command"].Value);
        }
    }

    [Test]
    public void EveryDocumentedCommandParsesAgainstTheTablesUnderCurrentNames()
    {
        int checkedCommands = 0;
        foreach (var (document, command) in DocumentedCommands())
        {
            string text = Regex.Replace(command, @"\s#.*$", "");          // a shell comment
            text = Regex.Split(text, @"\s(?:\||>|2>&1|&&|;)\s?")[0];       // what a pipe or redirection follows
            // Sketches with optional parts ([--grid N]), alternatives (a|b) or variables are not command lines.
            if (text.IndexOfAny(['[', '|', '$', '"', '\'', '…']) >= 0) continue;
            string[] args = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string where = $"{document}: scratchvae {command}";
            if (args[0] is "help" or "--version") continue;
            var (verb, rest) = Verbs.Resolve(Verbs.All, args, Program.Name);
            if (verb.Run is null) continue;
            Flags flags = null!;
            Assert.That(() => flags = Flags.Parse(verb, rest), Throws.Nothing, where);
            Assert.That(flags.Notes, Is.Empty, $"{where}: a former flag name");
            foreach (string given in flags.Given)
            {
                var flag = verb.Find(given)!;
                string value = flags.String(given, "");
                if (Regex.IsMatch(value, "^[A-Z]+$")) continue;              // a placeholder: DIR, N
                switch (flag.Type)
                {
                    case FlagType.Int: Assert.That(() => flags.Int(given), Throws.Nothing, where); break;
                    case FlagType.Double: Assert.That(() => flags.Double(given), Throws.Nothing, where); break;
                    case FlagType.Choice: Assert.That(() => flags.Choice(given), Throws.Nothing, where); break;
                }
            }
            checkedCommands++;
        }
        Assert.That(checkedCommands, Is.GreaterThanOrEqualTo(20), "the documents' commands were found");
    }
}
