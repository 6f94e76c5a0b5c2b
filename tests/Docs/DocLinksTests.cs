using System.Text.RegularExpressions;

namespace ScratchVae.Tests.Docs;

/// <summary>
/// Every relative link of README.md and docs/*.md leads to a file or folder that exists (and to a heading, when it
/// names an anchor), and a link whose text names
/// code — <c>[VaeNetwork.NegativeElbo](../src/Vae/Model/VaeNetwork.cs)</c> — points at a source file that contains
/// each name it mentions, so renaming a member breaks this test rather than the documentation.
/// </summary>
[TestFixture]
public partial class DocLinksTests
{
    // [text](target) with no nested brackets in the text; images ![alt](target) match too.
    [GeneratedRegex(@"\[(?<text>[^\[\]]*)\]\((?<target>[^()\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    // Identifier.Member chains such as VaeNetwork.NegativeElbo, Ops.Reparameterize or Adam.Step (optionally with "()").
    [GeneratedRegex(@"^`?(?<chain>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\(\))?`?$")]
    private static partial Regex CodeNamePattern();

    // Fenced code blocks are not markdown: a "[x](y)" inside one is code, not a link.
    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencePattern();

    /// <summary>The link of a markdown file: its text, its target, and the file it was found in.</summary>
    public sealed record Link(string Document, string Text, string Target)
    {
        /// <inheritdoc />
        public override string ToString() => $"{Document}: [{Text}]({Target})";
    }

    private static IEnumerable<string> Documents()
    {
        string root = RepositoryRoot.Path;
        yield return Path.Combine(root, "README.md");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal)) yield return file;
    }

    /// <summary>The relative and in-page links of <paramref name="markdown"/> (external and mail links are left out).</summary>
    public static IEnumerable<(string Text, string Target)> RelativeLinks(string markdown)
    {
        string text = FencePattern().Replace(markdown, "");
        foreach (Match match in LinkPattern().Matches(text))
        {
            string target = match.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            yield return (match.Groups["text"].Value, target);
        }
    }

    private static List<Link> AllLinks() => Documents()
        .SelectMany(document => RelativeLinks(File.ReadAllText(document)).Select(link => new Link(document, link.Text, link.Target)))
        .ToList();

    private static string Resolve(Link link)
    {
        if (link.Target.StartsWith('#')) return link.Document;
        string target = Uri.UnescapeDataString(link.Target.Split('#')[0]);
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(link.Document)!, target));
    }

    [Test]
    public void TheDocumentsHaveLinksToCheck()
    {
        // Guards the two tests below against passing vacuously (a broken pattern, a moved docs folder).
        Assert.That(AllLinks().Count(link => CodeNamePattern().IsMatch(link.Text)), Is.GreaterThanOrEqualTo(10));
    }

    [Test]
    public void EveryRelativeLinkPointsToAnExistingFile()
    {
        var broken = AllLinks().Where(link => !File.Exists(Resolve(link)) && !Directory.Exists(Resolve(link))).Select(link => link.ToString()).ToList();
        Assert.That(broken, Is.Empty);
    }

    /// <summary>GitHub's anchor of a heading: lower case, punctuation other than '-' and '_' dropped, spaces to '-'.</summary>
    public static string Anchor(string heading)
    {
        var text = new System.Text.StringBuilder();
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') text.Append(c);
            else if (c == ' ') text.Append('-');
        }
        return text.ToString();
    }

    [Test]
    public void EveryAnchorIntoADocumentNamesOneOfItsHeadings()
    {
        var missing = new List<string>();
        foreach (var link in AllLinks().Where(link => link.Target.Contains('#', StringComparison.Ordinal)))
        {
            string path = Resolve(link);
            if (!path.EndsWith(".md", StringComparison.Ordinal) || !File.Exists(path)) continue;
            string anchor = link.Target[(link.Target.IndexOf('#', StringComparison.Ordinal) + 1)..];
            var headings = FencePattern().Replace(File.ReadAllText(path), "").Split('\n')
                .Where(line => line.StartsWith('#')).Select(line => Anchor(line.TrimStart('#')));
            if (!headings.Contains(anchor)) missing.Add($"{link}: no heading with anchor '#{anchor}' in {Path.GetFileName(path)}");
        }
        Assert.That(missing, Is.Empty);
    }

    [TestCase("7. The training step and Adam", "7-the-training-step-and-adam")]
    [TestCase("Initialisation: four schemes, two optimizers", "initialisation-four-schemes-two-optimizers")]
    public void AnchorsAreMadeAsGitHubMakesThem(string heading, string anchor) => Assert.That(Anchor(heading), Is.EqualTo(anchor));

    [Test]
    public void EveryNameInALinkToSourceExistsInThatSource()
    {
        var missing = new List<string>();
        foreach (var link in AllLinks())
        {
            var match = CodeNamePattern().Match(link.Text);
            string path = Resolve(link);
            if (!match.Success || !path.EndsWith(".cs", StringComparison.Ordinal) || !File.Exists(path)) continue;
            string source = File.ReadAllText(path);
            foreach (string name in match.Groups["chain"].Value.Split('.'))
                if (!Regex.IsMatch(source, $@"\b{Regex.Escape(name)}\b")) missing.Add($"{link}: '{name}' does not occur in {Path.GetFileName(path)}");
        }
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void TheLinkFinderSeesLinksAndSkipsCodeAndExternalLinks()
    {
        const string markdown = """
            See [VaeNetwork.NegativeElbo](../src/Vae/Model/VaeNetwork.cs) and ![a picture](images/x.png "title").
            External: [site](https://example.org), [anchor](#section).
            ```
            [not a link](nowhere.md)
            ```
            """;
        var links = RelativeLinks(markdown).ToList();
        Assert.That(links, Is.EqualTo(new[] { ("VaeNetwork.NegativeElbo", "../src/Vae/Model/VaeNetwork.cs"), ("a picture", "images/x.png"), ("anchor", "#section") }));
    }
}
