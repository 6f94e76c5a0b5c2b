using System.Text.RegularExpressions;
using ScratchVae.Tests.Docs;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The flag tables (<see cref="Verbs.All"/>) and what they drive: every default a valid value of its own flag,
/// <c>VERB --help</c> listing exactly the table, <c>help</c>, <c>--version</c>, aliases that parse to the same options,
/// and the nearest name suggested for a misspelt verb, demonstration, flag or choice.
/// </summary>
[TestFixture]
public class FlagTableTests
{
    /// <summary>Every verb that runs: the top-level ones and each demonstration.</summary>
    public static IEnumerable<Verb> RunnableVerbs() => Verbs.All.SelectMany(verb => verb.SubVerbs.Count > 0 ? verb.SubVerbs : [verb]);

    private static IEnumerable<TestCaseData> VerbCases() => RunnableVerbs().Select(verb => new TestCaseData(verb).SetArgDisplayNames(verb.Name));

    private static string[] Words(Verb verb) => verb.Name.Split(' ');

    [TestCaseSource(nameof(VerbCases))]
    public void EveryTableIsWellFormed(Verb verb)
    {
        var names = verb.Flags.SelectMany(flag => flag.Names).ToList();
        Assert.That(names, Is.Unique, "no two flags share a name or alias");
        Assert.That(verb.Run, Is.Not.Null);
        foreach (var flag in verb.Flags)
        {
            Assert.That(flag.Name, Does.Match("^[a-z][a-z0-9-]*$"), flag.Name);
            Assert.That(flag.Help, Is.Not.Empty.And.Not.Contain("\n"), flag.Name);
            if (flag.Type == FlagType.Switch) Assert.That(flag.Default, Is.Null, $"--{flag.Name}: a switch is off unless given");
            else Assert.That(flag.Placeholder, Is.Not.Empty, flag.Name);
            if (flag.Type == FlagType.Choice) Assert.That(flag.Choices, Has.Count.GreaterThanOrEqualTo(2), flag.Name);
            if (flag.Required) Assert.That(flag.Default, Is.Null, $"--{flag.Name}: a required flag has no default");
        }
    }

    [TestCaseSource(nameof(VerbCases))]
    public void EveryDefaultIsAValidValueOfItsFlagAndIsWhatTheGetterReturns(Verb verb)
    {
        var absent = Flags.Parse(verb, []);
        foreach (var flag in verb.Flags.Where(flag => flag.Default is not null))
        {
            var given = Flags.Parse(verb, ["--" + flag.Name, flag.Default!]);
            switch (flag.Type)
            {
                case FlagType.Int:
                    Assert.That(given.Int(flag.Name), Is.EqualTo(absent.Int(flag.Name)), flag.Name);
                    break;
                case FlagType.Double:
                    Assert.That(given.Double(flag.Name), Is.EqualTo(absent.Double(flag.Name)), flag.Name);
                    break;
                case FlagType.Choice:
                    Assert.That(flag.Choices, Does.Contain(flag.Default), flag.Name);
                    Assert.That(given.Choice(flag.Name), Is.EqualTo(absent.Choice(flag.Name)), flag.Name);
                    break;
                default:
                    Assert.That(given.String(flag.Name), Is.EqualTo(absent.String(flag.Name)), flag.Name);
                    break;
            }
        }
    }

    // The first word of each entry of a list ("  name  summary"); continuation lines are indented further.
    private static List<string> EntryNames(string help) =>
        help.Split('\n').Where(line => line.Length > 2 && line.StartsWith("  ", StringComparison.Ordinal) && line[2] != ' ')
            .Select(line => line.Trim().Split(' ')[0]).ToList();

    // Wrapped help: no line longer than FlagHelp.LineWidth unless it is one word after its indent, and the same words in
    // the same order as the unwrapped text.
    private static void AssertWrapped(string wrapped, string flat)
    {
        foreach (string line in wrapped.Split('\n'))
            Assert.That(line.Length <= FlagHelp.LineWidth || !line.Trim().Contains(' ') || line.TrimStart().StartsWith("usage:", StringComparison.Ordinal),
                Is.True, $"a line of {line.Length} characters: {line}");
        static string Words(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.That(Words(wrapped), Is.EqualTo(Words(flat)));
    }

    // The flag lines of --help: "  --name PLACEHOLDER  help [facts]" after "flags:".
    private static List<string> ListedFlags(string help) =>
        help.Split('\n').SkipWhile(line => line.TrimEnd() != "flags:").Skip(1)
            .Where(line => line.StartsWith("  --", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(' ')[0][2..]).ToList();

    [TestCaseSource(nameof(VerbCases))]
    public void HelpListsExactlyTheTablesFlags(Verb verb)
    {
        var result = Cli.Run([.. Words(verb), "--help"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Is.Empty);
        // What is printed is the help wrapped to FlagHelp.LineWidth; its content is checked on the unwrapped text.
        Assert.That(result.Output, Is.EqualTo(FlagHelp.ForVerb(verb, "scratchvae")));
        string flat = FlagHelp.ForVerb(verb, "scratchvae", int.MaxValue);
        Assert.That(flat, Does.StartWith($"usage: scratchvae {verb.Name}"));
        Assert.That(flat, Does.Contain(verb.Summary));
        Assert.That(ListedFlags(flat), Is.EqualTo(verb.Flags.Select(flag => flag.Name)), "--help lists the table's flags, in its order");
        Assert.That(ListedFlags(result.Output), Is.EqualTo(ListedFlags(flat)), "wrapping keeps one line per flag that starts with it");
        foreach (var flag in verb.Flags.Where(flag => flag.Required))
            Assert.That(flat.Split('\n')[0], Does.Contain(flag.Usage), "the usage line names the required flags");
        AssertWrapped(result.Output, flat);

        Assert.That(Cli.Run([.. Words(verb), "-h"]).Output, Is.EqualTo(result.Output), "-h is --help");
        Assert.That(Cli.Run(["help", .. Words(verb)]).Output, Is.EqualTo(result.Output), "help VERB is VERB --help");
        // --help wins over anything else on the line, even flags that would be refused.
        Assert.That(Cli.Run([.. Words(verb), "--no-such-flag", "--help"]).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void TrainHelpShowsEveryFlagWithItsDefaultRangeAndAliases()
    {
        var result = Cli.Run("train", "--help");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = FlagHelp.ForVerb(Verbs.All.Single(verb => verb.Name == "train"), "scratchvae", int.MaxValue).Split('\n');
        string Line(string flag) => lines.Single(line => line.StartsWith($"  --{flag} ", StringComparison.Ordinal));
        // Accepted before but missing from the old hand-written help.
        Assert.That(Line("weight-decay"), Does.Contain("[0 to 10; default 0.01 with adamw, else 0]"));
        Assert.That(Line("variance"), Does.Contain("[> 0 and ≤ 1000000; default 1]"));
        Assert.That(Line("epochs"), Does.Contain("[1 to 100000; default 10]"));
        Assert.That(Line("batch"), Does.Contain("default 128; also --batch-size]"));
        Assert.That(Line("lr"), Does.Contain("[> 0 and ≤ 10; default 0.001; also --learning-rate]"));
        Assert.That(Line("optimizer"), Does.StartWith("  --optimizer adam|adamw|sgd ").And.Contain("[default adam]"));
        Assert.That(Line("resume"), Does.Not.Contain("default"));
    }

    [Test]
    public void DemoHelpListsTheDemonstrations()
    {
        var demo = Verbs.All.Single(verb => verb.Name == "demo");
        foreach (var args in new[] { new[] { "demo", "--help" }, ["help", "demo"] })
        {
            var result = Cli.Run(args);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(EntryNames(result.Output), Is.EqualTo(demo.SubVerbs.Select(sub => sub.Word)));
        }
        var bare = Cli.Run("demo");
        Assert.That(bare.ExitCode, Is.EqualTo(2));
        Assert.That(bare.Error, Does.Contain("demo: name a demonstration, one of: init, reparameterization"));
    }

    [Test]
    public void HelpListsEveryVerbOnce()
    {
        var result = Cli.Run("help");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(EntryNames(result.Output), Is.EqualTo(Verbs.All.Select(verb => verb.Name).Append("help").Append("--version")));
        AssertWrapped(result.Output, FlagHelp.VerbList(Verbs.All, "scratchvae", int.MaxValue));
        Assert.That(Cli.Run("--help").Output, Is.EqualTo(result.Output));
        var bare = Cli.Run();
        Assert.That((bare.ExitCode, bare.Output, bare.Error), Is.EqualTo((2, "", result.Output)), "no verb: the list on standard error, exit 2");
    }

    [Test]
    public void VersionPrintsTheAssemblysInformationalVersion()
    {
        var result = Cli.Run("--version");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string props = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Directory.Build.props"));
        string version = Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.That(version, Does.Match(@"^\d+\.\d+\.\d+"));
        Assert.That(result.Output, Does.Match($@"^scratchvae {Regex.Escape(version)}(\+[0-9a-f]+)?\n$"), "the package version, and the commit where git gave one");
        Assert.That(result.Output.Trim(), Is.EqualTo("scratchvae " + Program.Version));
    }

    [TestCase(new[] { "trian" }, "unknown verb 'trian'; did you mean 'train'?")]
    [TestCase(new[] { "evl", "--checkpoint", "x" }, "unknown verb 'evl'; did you mean 'eval'?")]
    [TestCase(new[] { "latentscatter" }, "unknown verb 'latentscatter'; did you mean 'latent-scatter'?")]
    [TestCase(new[] { "demo", "int" }, "demo: unknown demonstration 'int'; did you mean 'init'?")]
    [TestCase(new[] { "demo", "estimator" }, "did you mean 'estimators'?")]
    [TestCase(new[] { "train", "--lerning-rate", "0.1" }, "train: unknown flag --lerning-rate; did you mean --learning-rate?")]
    [TestCase(new[] { "train", "--epochz", "3" }, "train: unknown flag --epochz; did you mean --epochs?")]
    [TestCase(new[] { "train", "--nestrov" }, "did you mean --nesterov?")]
    [TestCase(new[] { "train", "--optimiser", "sgd" }, "did you mean --optimizer?")]
    [TestCase(new[] { "eval", "--chekpoint", "x" }, "eval: unknown flag --chekpoint; did you mean --checkpoint?")]
    [TestCase(new[] { "demo", "gaps", "--elbo-sample", "3" }, "did you mean --elbo-samples?")]
    [TestCase(new[] { "train", "epochs", "3" }, "train: unexpected argument 'epochs' (flags start with --; did you mean --epochs?)")]
    [TestCase(new[] { "train", "--optimizer", "adma" }, "train: --optimizer must be one of adam, adamw, sgd, not 'adma'; did you mean adam?")]
    public void AMisspeltNameIsAnsweredWithTheNearestOne(string[] args, string expected)
    {
        var result = Cli.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error, Does.Contain(expected));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
    }

    [TestCase(new[] { "frobnicate" }, "unknown verb 'frobnicate' (scratchvae help lists the verbs)")]
    [TestCase(new[] { "train", "--frobnicate" }, "train: unknown flag --frobnicate (scratchvae train --help lists its flags)")]
    public void NoSuggestionWhenNothingIsNear(string[] args, string expected)
    {
        var result = Cli.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error.Trim(), Is.EqualTo("scratchvae: " + expected));
    }

    [TestCase("trian", "train", 1)]
    [TestCase("train", "train", 0)]
    [TestCase("kitten", "sitting", 3)]
    [TestCase("", "abc", 3)]
    [TestCase("ca", "abc", 3)] // the restricted distance: a swapped pair is not edited again
    [TestCase("lerning-rate", "learning-rate", 1)]
    public void EditDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps(string a, string b, int expected)
    {
        Assert.That(Suggestions.Distance(a, b), Is.EqualTo(expected));
        Assert.That(Suggestions.Distance(b, a), Is.EqualTo(expected));
    }

    [Test]
    public void SuggestionsNeedToBeNearOrAnUnambiguousBeginning()
    {
        string[] names = ["epochs", "batch", "batch-size", "lr", "learning-rate", "limit", "latent"];
        Assert.That(Suggestions.Nearest("epoch", names), Is.EqualTo("epochs"));
        Assert.That(Suggestions.Nearest("LR", names), Is.EqualTo("lr"), "case does not count");
        Assert.That(Suggestions.Nearest("learn", names), Is.EqualTo("learning-rate"), "the only name that starts so");
        Assert.That(Suggestions.Nearest("bat", names), Is.Null, "batch and batch-size both start so");
        Assert.That(Suggestions.Nearest("momentum", names), Is.Null);
    }

    [Test]
    public void PyTorchsNamesParseToTheSameTrainingOptions()
    {
        var ours = Flags.Parse(TrainCommand.Verb, ["--batch", "32", "--lr", "0.01", "--latent", "7", "--schedule", "cosine", "--min-lr", "1e-5", "--clip-norm", "2"]);
        var pytorchs = Flags.Parse(TrainCommand.Verb, ["--batch-size", "32", "--learning-rate", "0.01", "--latent-dim", "7", "--schedule", "cosine", "--eta-min", "1e-5", "--max-norm", "2"]);
        var training = TrainCommand.TrainingOptions(ours);
        Assert.That((training.BatchSize, training.LearningRate, training.MinimumLearningRate, training.ClipNorm ?? double.NaN), Is.EqualTo((32, 0.01, 1e-5, 2.0)), "the values given, not the defaults");
        Assert.That(TrainCommand.TrainingOptions(pytorchs), Is.EqualTo(training));
        Assert.That(TrainCommand.ModelOptions(ours).LatentSize, Is.EqualTo(7));
        Assert.That(TrainCommand.ModelOptions(pytorchs).LatentSize, Is.EqualTo(7));
        Assert.That(pytorchs.Has("batch") && pytorchs.Has("batch-size"), Is.True, "a flag is given under any of its names");
    }

    [Test]
    public void ANameAndItsAliasTogetherAreGivenTwice()
    {
        var result = Cli.Run("train", "--batch", "64", "--batch-size", "32");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.Trim(), Is.EqualTo("scratchvae: train: --batch is given twice (as --batch and --batch-size)."));
        Assert.That(Cli.Run("train", "--lr", "1", "--lr", "2").Error, Does.Contain("train: --lr is given twice."));
        var misvalued = Cli.Run("train", "--batch-size", "0");
        Assert.That(misvalued.Error, Does.Contain("train: --batch-size must be between 1 and 65536, not 0."), "the message names the flag as it was typed");
    }

    [Test]
    public void TheDemonstrationsTakeCheckpointAndStillAcceptModelWithANote()
    {
        var gaps = DemoVerb("gaps");
        var current = Flags.Parse(gaps, ["--checkpoint", "runs/a"]);
        Assert.That((current.Required("checkpoint"), current.Notes.Count), Is.EqualTo(("runs/a", 0)));
        var former = Flags.Parse(gaps, ["--model", "runs/a"]);
        Assert.That(former.Required("checkpoint"), Is.EqualTo("runs/a"));
        Assert.That(former.Notes, Is.EqualTo(new[] { "note: demo gaps: --model is now --checkpoint; the old name will go." }));
        Assert.That(() => Flags.Parse(gaps, ["--model", "a", "--checkpoint", "b"]), Throws.InstanceOf<UsageException>().With.Message.Contain("given twice"));
        foreach (string name in new[] { "prior-sampling", "pictures", "gaps", "estimators" })
            Assert.That(DemoVerb(name).Flags.First().Name, Is.EqualTo("checkpoint"), name);
        var missing = Cli.Run("demo", "estimators");
        Assert.That((missing.ExitCode, missing.Error.Trim()), Is.EqualTo((2, "scratchvae: demo estimators: --checkpoint is required (--checkpoint DIR).")));
        Assert.That(Suggestions.Nearest("mode", gaps.Flags.SelectMany(f => f.Names.Except(f.Deprecated))), Is.Null, "a former name is never suggested");
    }

    private static Verb DemoVerb(string word) => Verbs.All.Single(verb => verb.Name == "demo").FindSubVerb(word)!;

    [Test]
    public void ReadingAFlagOutsideTheTableOrOverridingItsDefaultIsADefect()
    {
        var flags = Flags.Parse(TrainCommand.Verb, []);
        Assert.That(() => flags.Int("no-such-flag"), Throws.InvalidOperationException.With.Message.Contain("train reads --no-such-flag"));
        Assert.That(() => flags.Int("epochs", 3), Throws.InvalidOperationException.With.Message.Contain("default 10 in its flag table"));
        Assert.That(() => flags.Int("threads"), Throws.InvalidOperationException.With.Message.Contain("no default"));
        Assert.That(flags.Int("threads", 3), Is.EqualTo(3), "a default the table leaves to the verb");
    }

    [TestCase(new[] { "train", "--resume=yes" }, "train: --resume takes no value.")]
    [TestCase(new[] { "train", "--epochs" }, "train: --epochs needs a value (--epochs N).")]
    [TestCase(new[] { "train", "--epochs=" }, "train: --epochs needs a whole number, not ''.")]
    [TestCase(new[] { "train", "--epochs=1e3" }, "train: --epochs needs a whole number, not '1e3'.")]
    [TestCase(new[] { "train", "--beta", "-0.5" }, "train: --beta must be between 0 and 1000000, not -0.5.")]
    [TestCase(new[] { "train", "--clip-norm", "0" }, "train: --clip-norm must be > 0 and ≤ 1000000000000, not 0.")]
    [TestCase(new[] { "train", "--warmup", "-1" }, "train: --warmup must be ≥ 0, not -1.")]
    [TestCase(new[] { "train", "--lr", "NaN" }, "train: --lr needs a finite number, not 'NaN'.")]
    [TestCase(new[] { "train", "--hidden", "400,x" }, "train: --hidden needs whole numbers from 1 to 65536 separated by commas (e.g. 1024,768,512), not '400,x'.")]
    [TestCase(new[] { "sample", "--out", "x.png" }, "sample: --checkpoint is required (--checkpoint DIR).")]
    [TestCase(new[] { "devices", "--threads", "0" }, "devices: --threads must be ≥ 1, not 0.")]
    [TestCase(new[] { "help", "--markdown", "train" }, "help: --markdown prints the tables of every verb; it takes no verb.")]
    public void BadInputIsOneLineNamingTheFlagAndExitsWithTwo(string[] args, string expected)
    {
        var result = Cli.Run(args);
        Assert.That((result.ExitCode, result.Error), Is.EqualTo((2, $"scratchvae: {expected}\n")), result.ToString());
    }
}
