extern alias bench;
using bench::ScratchVae.Bench.Fuzz;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Tests.Bench;

/// <summary>bench fuzz refuses a reader it does not have instead of fuzzing nothing and reporting no violations.</summary>
[TestFixture]
public class FuzzCommandTests
{
    [Test]
    public void AnUnknownReaderIsAUsageErrorThatListsTheKnownOnes()
    {
        var flags = Flags.Parse(FuzzCommand.Verb, ["--readers", "idx,nope", "--count", "1"], "bench");
        var error = Assert.Throws<UsageException>(() => FuzzCommand.Run(flags));
        Assert.That(error!.Message, Is.EqualTo("fuzz: --readers: unknown reader 'nope' (known: idx, idx-gzip, safetensors, config.json, metrics.csv)"));
    }
}
