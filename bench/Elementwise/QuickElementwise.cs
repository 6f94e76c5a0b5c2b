using System.Diagnostics;
using System.Globalization;

namespace ScratchVae.Bench.Elementwise;

/// <summary>
/// <c>bench elementwise --quick [--length N] [--seconds S] [--backends a,b]</c>: a table of GB/s per backend and
/// primitive in a few seconds, repeating each for about S seconds after one warm-up call.
/// </summary>
public static class QuickElementwise
{
    /// <summary>Runs the table.</summary>
    public static int Run(string[] args)
    {
        int length = 128 * 784;
        double seconds = 0.3;
        string[]? backends = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": break;
                case "--length": length = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--backends": backends = args[++i].Split(','); break;
                default: Console.Error.WriteLine($"elementwise: unknown option {args[i]}"); return 2;
            }
        }
        backends ??= ScratchVae.Kernels.Backends.List().Where(d => d.Usable && d.Type != "ilgpu-cpu").Select(d => d.Name).ToArray();
        Console.WriteLine($"n = {length} floats per operand; GB/s = minimum bytes moved / time");
        Console.WriteLine($"{"backend",-10} {"primitive",-14} {"µs",10} {"GB/s",8}");
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
