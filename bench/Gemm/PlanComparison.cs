using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Vae.Cli;

namespace ScratchVae.Bench.Gemm;

/// <summary>
/// Several ways of cutting up one host GEMM, timed against each other in one process: the calls alternate plan by
/// plan, round after round, so the machine's drift falls on all of them alike (timings of separate processes differ by
/// ±15–50% here, more than most plan changes are worth). Every plan must give the same bits as the first; a plan that
/// does not is reported.
/// <code>
/// bench gemm-plans --shape 128x400x784:NT [--threads 2] [--rounds 30] [--cache warm|l3]
///                  [--plans model,grid:2x5,grid:1x7:packed-b,grid:1x2:whole-tiles,columns:64,shared] [--isa Vector256]
/// </code>
/// Plans: <c>model</c> (what the planner picks), <c>grid:RxC</c> (R row parts × C column parts with the model's block
/// sizes; add <c>:packed-b</c> or <c>:inplace-b</c> to force how B is read, <c>:whole-tiles</c> for parts a whole number
/// of register tiles wide where the cost model would split columns at half tiles), <c>columns:W</c> (column-only parts W
/// wide, B packed), <c>shared</c> (all threads on one packed block of B); any of them ending in <c>:mc=ROWS</c> with that
/// row block (MC) instead of the model's. Caches: <c>warm</c> times batches of ten
/// back-to-back calls; <c>l3</c> writes 2 MB of other data and reads A again before each single call, which leaves
/// the operands where a training step finds them (the weights last touched a step ago, the activations just written).
/// </summary>
public static unsafe class PlanComparison
{
    /// <summary>The suite and its flag table.</summary>
    public static Verb Verb { get; } = new("gemm-plans", "one host GEMM shape cut up several ways, the plans alternating in one process",
        [
            BenchFlags.Quick,
            Flag.String("shape", "the GEMM, MxNxK with :TT for the transposes", placeholder: "MxNxK:TT") with { Required = true },
            Flag.Int("threads", "threads of the GEMM", 2, min: 1),
            Flag.Int("rounds", "rounds of every plan", 30, min: 1),
            Flag.Choice("cache", "warm: batches of ten back-to-back calls; l3: other data written and A read again before each call", "warm", "warm", "l3"),
            Flag.List("plans", "model, grid:RxC[:packed-b|:inplace-b|:whole-tiles], columns:W, shared; any ending in :mc=ROWS for that row block", "model,columns:64,shared", "P[,P…]"),
            Flag.Choice("isa", "the host's micro-kernels", "Auto", Enum.GetNames<GemmInstructionSet>()),
        ], Run);

    /// <summary>Runs the comparison; returns the process exit code.</summary>
    public static int Run(Flags flags)
    {
        var shape = GemmShape.Parse(flags.Required("shape"));
        int threads = flags.Int("threads"), rounds = flags.Int("rounds");
        string cache = flags.Choice("cache");
        string plans = flags.String("plans");
        var instructionSet = Enum.Parse<GemmInstructionSet>(flags.Choice("isa"));

        var (m, n, k, transposeA, transposeB) = (shape.M, shape.N, shape.K, shape.TransposeA, shape.TransposeB);
        var candidates = new List<(string Spec, GemmPlan Plan)>();
        foreach (string spec in plans.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            GemmPlan? plan;
            try
            {
                plan = Resolve(spec, instructionSet, shape, threads);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or IndexOutOfRangeException)
            {
                Console.Error.WriteLine($"plan '{spec}': {exception.Message}");
                return 2;
            }
            if (plan is null) { Console.Error.WriteLine($"plan '{spec}' is not a distinct grid for {shape} (it has the same parts as a smaller one)"); return 2; }
            candidates.Add((spec, plan.Value));
        }

        using var pool = new WorkerPool(threads);
        float* a = Allocate((long)m * k, 1), b = Allocate((long)k * n, 2);
        var c = new float*[candidates.Count];
        for (int v = 0; v < c.Length; v++) c[v] = Allocate((long)m * n, 0);
        float[] flush = new float[2 << 18];
        var rates = candidates.Select(_ => new List<double>()).ToArray();
        try
        {
            for (int v = 0; v < candidates.Count; v++) PackedGemm.FloatPlans.Run(pool, instructionSet, candidates[v].Plan, transposeA, transposeB, m, n, k, a, b, c[v]);
            float sink = 0;
            for (int round = 0; round < rounds; round++)
            {
                for (int v = 0; v < candidates.Count; v++)
                {
                    int calls = cache == "warm" ? 10 : 1;
                    if (cache == "l3")
                    {
                        for (int i = 0; i < flush.Length; i += 16) flush[i] += 1;
                        for (long i = 0; i < (long)m * k; i += 16) sink += a[i];
                    }
                    long start = Stopwatch.GetTimestamp();
                    for (int call = 0; call < calls; call++)
                        PackedGemm.FloatPlans.Run(pool, instructionSet, candidates[v].Plan, transposeA, transposeB, m, n, k, a, b, c[v]);
                    rates[v].Add(shape.Flops * calls / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
                }
            }
            GC.KeepAlive(sink);

            Console.WriteLine($"{shape} on {threads} threads, {cache} caches, {rounds} rounds alternating the plans; GFLOP/s");
            Console.WriteLine($"{"plan",-22} {"median",8} {"best",8}  {"same bits",9}  layout");
            for (int v = 0; v < candidates.Count; v++)
            {
                var sorted = rates[v].Order().ToArray();
                bool same = new ReadOnlySpan<float>(c[v], m * n).SequenceEqual(new ReadOnlySpan<float>(c[0], m * n));
                Console.WriteLine($"{candidates[v].Spec,-22} {sorted[sorted.Length / 2],8:F1} {sorted[^1],8:F1}  {(same ? "yes" : "NO"),9}  {candidates[v].Plan}");
            }
            return candidates.Select((_, v) => new ReadOnlySpan<float>(c[v], m * n).SequenceEqual(new ReadOnlySpan<float>(c[0], m * n))).All(x => x) ? 0 : 1;
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            foreach (float* p in c) NativeMemory.AlignedFree(p);
        }
    }

    private static GemmPlan? Resolve(string spec, GemmInstructionSet instructionSet, GemmShape shape, int threads)
    {
        // A trailing :mc=ROWS sets the row block (MC) of any plan, to compare block sizes of one grid.
        int rowBlockAt = spec.IndexOf(":mc=", StringComparison.Ordinal);
        if (rowBlockAt >= 0)
        {
            int rowBlock = int.Parse(spec[(rowBlockAt + 4)..], CultureInfo.InvariantCulture);
            int tileRows = PackedGemm.FloatPlans.TileRows(instructionSet);
            if (rowBlock < tileRows || rowBlock % tileRows != 0)
                throw new ArgumentException($"mc={rowBlock}: the row block is a positive multiple of the kernel's {tileRows} rows");
            return Resolve(spec[..rowBlockAt], instructionSet, shape, threads) is { } plan ? plan with { RowBlock = rowBlock } : null;
        }
        string[] parts = spec.Split(':');
        switch (parts[0])
        {
            case "model" when parts.Length == 1:
                return PackedGemm.FloatPlans.Model(instructionSet, shape.TransposeA, shape.TransposeB, shape.M, shape.N, shape.K, threads);
            case "shared" when parts.Length == 1:
                return PackedGemm.FloatPlans.SharedB(instructionSet, shape.M, shape.N, shape.K, threads);
            case "columns" when parts.Length == 2:
                int width = int.Parse(parts[1], CultureInfo.InvariantCulture);
                if (width < 1) throw new ArgumentException("a column width is at least 1");
                return PackedGemm.FloatPlans.Grid(instructionSet, shape.TransposeA, shape.TransposeB, shape.M, shape.N, shape.K, threads,
                    1, (shape.N + width - 1) / width, packB: true);
            case "grid" when parts.Length >= 2:
                string[] grid = parts[1].Split('x');
                if (grid.Length != 2) throw new ArgumentException("a grid is written RxC, e.g. grid:2x5");
                bool? packB = null;
                bool wholeTiles = false;
                foreach (string option in parts.Skip(2))
                {
                    switch (option)
                    {
                        case "packed-b": packB = true; break;
                        case "inplace-b": packB = false; break;
                        case "whole-tiles": wholeTiles = true; break;
                        default: throw new ArgumentException($"'{option}' in plan '{spec}': packed-b, inplace-b or whole-tiles");
                    }
                }
                int rowParts = int.Parse(grid[0], CultureInfo.InvariantCulture), columnParts = int.Parse(grid[1], CultureInfo.InvariantCulture);
                if (rowParts < 1 || columnParts < 1) throw new ArgumentException("a grid has at least one part each way");
                return PackedGemm.FloatPlans.Grid(instructionSet, shape.TransposeA, shape.TransposeB, shape.M, shape.N, shape.K, threads,
                    rowParts, columnParts, packB, wholeTiles ? false : null);
            default:
                throw new ArgumentException($"unknown plan '{spec}': model, grid:RxC[:packed-b|:inplace-b][:whole-tiles], columns:W or shared, each optionally ending in :mc=ROWS");
        }
    }

    private static float* Allocate(long length, int seed)
    {
        var pointer = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
        var random = new Random(seed);
        for (long i = 0; i < length; i++) pointer[i] = seed == 0 ? 0f : (float)(random.NextDouble() * 2 - 1);
        return pointer;
    }
}
