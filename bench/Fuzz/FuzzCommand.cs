using System.Diagnostics;
using System.Globalization;
using ScratchVae.Fuzzing;

namespace ScratchVae.Bench.Fuzz;

/// <summary>
/// <c>bench fuzz</c>: the test suite's reader fuzzer at full length (10⁶ mutations per reader by default), printing the
/// counts by outcome and every contract violation; exits 1 when there is one.
/// </summary>
public static class FuzzCommand
{
    /// <summary>Runs the suite.</summary>
    public static int Run(string[] args)
    {
        int count = 1_000_000, seed = 20261207;
        string[]? readers = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count" when i + 1 < args.Length: count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed" when i + 1 < args.Length: seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--readers" when i + 1 < args.Length: readers = args[++i].Split(','); break;
                case "--quick": count = Math.Min(count, 10_000); break;
                default:
                    Console.Error.WriteLine("usage: bench fuzz [--count 1000000] [--seed S] [--readers idx,idx-gzip,safetensors,config.json,metrics.csv]");
                    return 2;
            }
        }
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
