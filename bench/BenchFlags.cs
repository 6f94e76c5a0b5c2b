using ScratchVae.Vae.Cli;

namespace ScratchVae.Bench;

/// <summary>Flags that several suites share.</summary>
public static class BenchFlags
{
    /// <summary>
    /// <c>--quick</c>: the suite's own table in seconds, where it also has BenchmarkDotNet classes (without it they run,
    /// with BenchmarkDotNet's options); accepted, and without effect, by the suites that only have the table.
    /// </summary>
    public static Flag Quick { get; } = Flag.Switch("quick", "print the suite's own table in seconds (suites with BenchmarkDotNet classes run those without it)");

    /// <summary>What the help of a suite with BenchmarkDotNet classes adds.</summary>
    public static IReadOnlyList<string> BenchmarkDotNetDetails { get; } =
        ["without --quick, BenchmarkDotNet runs the suite's classes and reads its own options (--filter '*', --job short, …) instead of these"];
}
