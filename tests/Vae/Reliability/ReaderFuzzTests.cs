using ScratchVae.Fuzzing;

namespace ScratchVae.Tests.Vae.Reliability;

/// <summary>
/// Every file reader against 10⁴ mutations of valid (and known-hostile) inputs, from fixed seeds: only the documented
/// exception, naming the file; no allocation beyond a small multiple of the input; no hang. `bench fuzz` runs 10⁶.
/// </summary>
[TestFixture]
public class ReaderFuzzTests
{
    private const int Mutations = 10_000;

    private static IEnumerable<TestCaseData> Targets() => ReaderFuzzer.Targets().Select(t => new TestCaseData(t.Name).SetArgDisplayNames(t.Name));

    [TestCaseSource(nameof(Targets))]
    public void TenThousandMutationsMeetTheReadersContract(string name)
    {
        var target = ReaderFuzzer.Targets().Single(t => t.Name == name);
        var report = ReaderFuzzer.Run(target, Mutations, seed: 20261207);
        TestContext.Out.WriteLine(report);
        foreach (var (message, count) in report.Refused.OrderByDescending(r => r.Value).Take(12)) TestContext.Out.WriteLine($"  {count,6} refused: {message} …");
        Assert.That(report.Violations, Is.Empty, string.Join("\n", report.Violations.Take(10)));
        Assert.That(report.Total, Is.EqualTo(Mutations));
        // The seeds themselves are valid (the hostile gzip seeds excepted), and the mutations reach past the first check.
        Assert.That(report.Accepted, Is.GreaterThan(0), "valid inputs are read");
        Assert.That(report.Refused.Count, Is.GreaterThan(3), "the mutations reach several different checks");
    }

    [Test]
    public void MutationsAreDeterministic()
    {
        var target = ReaderFuzzer.Targets().Single(t => t.Name == "config.json");
        var a = ReaderFuzzer.Run(target, 300, seed: 5);
        var b = ReaderFuzzer.Run(target, 300, seed: 5);
        Assert.That((a.Accepted, a.Refused), Is.EqualTo((b.Accepted, b.Refused)));
    }
}
