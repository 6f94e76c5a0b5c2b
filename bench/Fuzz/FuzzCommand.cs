using System.Diagnostics;
using ScratchVae.Fuzzing;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Bench.Fuzz;

/// <summary>
/// <c>bench fuzz</c>: the test suite's reader fuzzer at full length (10⁶ mutations per reader by default), printing the
/// counts by outcome and every contract violation; exits 1 when there is one.
/// </summary>
public static class FuzzCommand
{
    /// <summary>The suite and its flag table.</summary>
    public static Verb Verb { get; } = new("fuzz", "every file reader against mutated inputs",
        [
            BenchFlags.Quick with { Help = "at most 10,000 mutations per reader" },
            Flag.Int("count", "mutations per reader", 1_000_000, min: 1),
            Flag.Int("seed", "the seed of the mutations", 20261207, min: 0),
            Flag.List("readers", "the readers to fuzz", null, "R[,R…]") with { DefaultNote = "all: idx, idx-gzip, safetensors, config.json, metrics.csv" },
        ], Run);

    /// <summary>Runs the suite.</summary>
    public static int Run(Flags flags)
    {
        int count = flags.Int("count"), seed = flags.Int("seed");
        if (flags.Has("quick")) count = Math.Min(count, 10_000);
        string[]? readers = flags.Has("readers") ? flags.List("readers") : null;
        var known = ReaderFuzzer.Targets().Select(t => t.Name).ToList();
        if (readers?.FirstOrDefault(name => !known.Contains(name)) is { } unknown)
            throw new UsageException($"fuzz: --readers: unknown reader '{unknown}' (known: {string.Join(", ", known)})");
        int violations = 0;
        foreach (var target in ReaderFuzzer.Targets().Where(t => readers is null || readers.Contains(t.Name)))
        {
            var clock = Stopwatch.StartNew();
            var report = ReaderFuzzer.Run(target, count, seed);
            Console.WriteLine(FormattableString.Invariant($"{report} ({clock.Elapsed.TotalSeconds:F1} s)"));
            foreach (var (message, n) in report.Refused.OrderByDescending(r => r.Value).Take(8)) Console.WriteLine($"  {n,9} refused: {message} …");
            foreach (var violation in report.Violations.Take(20)) Console.WriteLine($"  VIOLATION {violation}");
            violations += report.Violations.Count;
        }
        Console.WriteLine($"fuzz: {violations} violations");
        return violations == 0 ? 0 : 1;
    }
}
