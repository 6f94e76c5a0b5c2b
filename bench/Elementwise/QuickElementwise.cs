using System.Diagnostics;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Bench.Elementwise;

/// <summary>
/// <c>bench elementwise --quick [--length N] [--seconds S] [--backends a,b]</c>: a table of GB/s per backend and
/// primitive in a few seconds, repeating each for about S seconds after one warm-up call.
/// </summary>
public static class QuickElementwise
{
    /// <summary>The suite and its flag table.</summary>
    public static Verb Verb { get; } = new("elementwise", "maps, fused passes (bias+relu, BCE, Adam) and Philox uniform/normal sampling",
        [
            BenchFlags.Quick,
            Flag.Int("length", "floats per operand", 128 * 784, min: 1),
            Flag.Double("seconds", "time per primitive", 0.3, min: 0, max: 3600, exclusiveMin: true),
            Flag.List("backends", "the backends to time", null, "B[,B…]") with { DefaultNote = "every usable one but ilgpu-cpu" },
        ], Run) { Details = BenchFlags.BenchmarkDotNetDetails };

    /// <summary>Runs the table.</summary>
    public static int Run(Flags flags)
    {
        int length = flags.Int("length");
        double seconds = flags.Double("seconds");
        string[]? backends = flags.Has("backends") ? flags.List("backends") : null;
        backends ??= ScratchVae.Kernels.Backends.List().Where(d => d.Usable && d.Type != "ilgpu-cpu").Select(d => d.Name).ToArray();
        Console.WriteLine($"n = {length} floats per operand; GB/s = minimum bytes moved / time");
        Console.WriteLine($"{"backend",-10} {"primitive",-14} {"µs",10} {"GB/s",8}");
        // A device that is listed but cannot be used: one line naming it and why, before anything runs.
        foreach (string name in backends)
            if (ScratchVae.Kernels.Backends.UnusableReason(name) is { } reason)
                throw new ArgumentException($"elementwise: --backends {name}: device '{name}' is not usable: {reason}");
        foreach (string name in backends)
        {
            using var backend = ScratchVae.Kernels.Backends.Create(name);
            foreach (string primitive in ElementwiseCase.Names)
            {
                using var benchmark = new ElementwiseCase(backend, primitive, length);
                benchmark.Run();
                var clock = Stopwatch.StartNew();
                int runs = 0;
                do
                {
                    benchmark.Run();
                    runs++;
                }
                while (clock.Elapsed.TotalSeconds < seconds);
                double microseconds = clock.Elapsed.TotalMicroseconds / runs;
                Console.WriteLine(FormattableString.Invariant($"{name,-10} {primitive,-14} {microseconds,10:F1} {benchmark.BytesMoved / (microseconds * 1e3),8:F2}"));
            }
        }
        return 0;
    }
}
