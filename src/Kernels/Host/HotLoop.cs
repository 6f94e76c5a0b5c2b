using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Host;

/// <summary>
/// How the host backend's hot loops are compiled: <see cref="Options"/> goes on every method that holds an inner
/// loop over elements (maps, fused passes, reductions, sampling, GEMM packing and micro-kernels).
/// <para>
/// <see cref="MethodImplOptions.AggressiveOptimization"/> compiles such a method once, fully optimised, at its first
/// call, instead of starting it unoptimised and recompiling it later from a profile gathered while it ran. That
/// profile depends on timing (which calls happened to be sampled), and so did the machine code: on a 2-core AVX2
/// host the same Adam pass took 0.43 ms per training step in some processes and 3.6–4.0 ms in others, and
/// 128×400×784 GEMMs swung by 2–4×, with identical inputs.
/// </para>
/// <para>
/// <see cref="MethodImplOptions.NoInlining"/> is the other half: a loop inlined into a tiered caller (a chunk job's
/// Run, say) is compiled as part of that caller, with the caller's timing-dependent profile, and the first flag is
/// lost. Measured on the training step: with the flag on Adam alone, six processes out of six ran the fast code.
/// A call per chunk or row costs nanoseconds against microseconds of work.
/// </para>
/// </summary>
internal static class HotLoop
{
    /// <summary>Compile once, fully optimised, and never inline into a caller.</summary>
    public const MethodImplOptions Options = MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining;
}
