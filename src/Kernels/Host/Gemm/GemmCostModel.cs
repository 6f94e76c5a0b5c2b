using System.Runtime.Intrinsics.X86;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The machine figures and rules <see cref="GemmPlan"/> weighs when it cuts a GEMM up: how fast a core multiplies and
/// streams from L3, how large a packed block of B may be, and which of the planner's rules (in-place operands,
/// shared B blocks, the one-part-per-thread rule, the allowance for more parts) apply. Each micro-kernel names the
/// figures measured on the machines that run it; docs/perf-notes.md has the measurements.
/// </summary>
/// <param name="FusedMultiplyAddsPerCycle">
/// Lanes of multiply-add a core retires per cycle with the kernel's vectors: Zen 3 and Zen 4 retire 16 float lanes
/// (two 256-bit FMAs, or one 512-bit FMA in two halves), an AVX-512 Xeon with two 512-bit FMA pipes 32.
/// </param>
/// <param name="StreamCyclesPerElement">Cycles to bring one element in from L3.</param>
/// <param name="AvoidLargePartsOnePerThread">
/// Whether a grid of large parts with fewer than two per thread is kept only when no other grid exists (see
/// <see cref="GemmPlan.Create"/>): measured on the Zen 3 machine, not on the Xeon.
/// </param>
/// <param name="ReadsOperandsInPlace">
/// Whether A or B may be read in place, unpacked, where the plan judges that packing would not pay (see
/// <see cref="GemmPlan"/>'s ChoosePackA and ChoosePackB); otherwise both are always packed.
/// </param>
/// <param name="ShareLargeBBlocks">
/// Whether large GEMMs whose grid would pack both operands in several row parts share each packed block of B between
/// the threads instead (<see cref="GemmPlan.SharedB"/>).
/// </param>
/// <param name="BalanceTolerance">
/// How much modelled cost a grid with more parts may add and still be preferred for its load balance.
/// </param>
/// <param name="ColumnBlockBytes">The most bytes a KC × NC block of packed B may take (NC's limit).</param>
/// <param name="HalfTileColumnSplits">
/// Whether the columns of a grid's parts may be a multiple of half the register tile rather than of the whole tile,
/// for kernels with a one-vector variant for narrow edges: a part then ends with a half-tile edge, and two parts of
/// n = 784 on the 32-column tile get 400 and 384 columns instead of 416 and 368.
/// </param>
/// <param name="ReadsRowMajorAInPlace">
/// Whether a row-major A may be read in place (by a kernel that supports row-strided A, where ChoosePackA judges that
/// packing would not pay) even when <paramref name="ReadsOperandsInPlace"/> is false and everything else is packed.
/// </param>
/// <param name="ReadsRowMajorBInPlace">
/// Whether a row-major (not transposed) B may be read in place where ChoosePackB judges that packing would not pay,
/// even when <paramref name="ReadsOperandsInPlace"/> is false.
/// </param>
/// <param name="TransposesSmallerOperand">
/// Whether a GEMM with a row-major A and a transposed B (C = A · Bᵀ) and m &lt; n is computed as Cᵀ = B · Aᵀ, so that the
/// transposing pack falls on A, the smaller operand, and B is read in place (<see cref="GemmPlan.TransposedC"/>).
/// </param>
/// <param name="ClaimsColumnSlivers">
/// Whether 1 × P grids that read A in place let the threads claim NR-wide slivers of C's columns one at a time instead
/// of owning fixed parts (<see cref="GemmPlan.ClaimsColumns"/>).
/// </param>
internal readonly record struct GemmCostModel(int FusedMultiplyAddsPerCycle, double StreamCyclesPerElement, bool AvoidLargePartsOnePerThread,
    bool ReadsOperandsInPlace, bool ShareLargeBBlocks, double BalanceTolerance, int ColumnBlockBytes, bool HalfTileColumnSplits = false,
    bool ReadsRowMajorAInPlace = false, bool ReadsRowMajorBInPlace = false, bool TransposesSmallerOperand = false,
    bool ClaimsColumnSlivers = false)
{
    /// <summary>
    /// Measured on a 2-core Zen 3 VM with the Vector256 kernels: about 27 bytes per cycle per core from L3
    /// (0.15 cycles per float), and the one-part-per-thread rule (20% at 128x400x784:NT with cold caches).
    /// </summary>
    public static GemmCostModel Zen3(int fusedMultiplyAddsPerCycle)
        => new(fusedMultiplyAddsPerCycle, 0.15, AvoidLargePartsOnePerThread: true, ReadsOperandsInPlace: true, ShareLargeBBlocks: true, BalanceTolerance: 0.03,
            ColumnBlockBytes: 2 << 20);

    /// <summary>
    /// The float Vector512 kernel's figures: on an Intel core, those measured on a 2-core Emerald Rapids Xeon VM;
    /// elsewhere (an AMD Zen 4 splits 512-bit FMAs, 16 lanes) the Zen 3 figures, since no other was measured. On the Xeon:
    /// <list type="bullet">
    /// <item>32 lanes per cycle; Adam, which only streams, moved about 9 bytes per cycle per core (0.45 cycles per float).</item>
    /// <item>No one-part-per-thread rule: in the VAE's training step, alternating processes, the median step was 6%
    /// shorter than with the Zen 3 figures (2.83 against 3.00 ms), mostly from 1 × 2 and 2 × 1 grids of the m = 128
    /// shapes that pack or stream each operand once.</item>
    /// <item>A transposed operand (the TN shapes' activations as A, the NT shapes' weights as B) always packed: in the
    /// training step, packing the TN shapes' A gave 2.60–2.63 ms against 2.64–2.71 in place (the faster half of 8
    /// alternating processes). Row-major operands read in place where the planner's rules allow, A since
    /// v-inplace-a and B since v-inplace-b (docs/perf-notes.md): with A no longer packed, reading B in place was 7%
    /// faster in the NN GEMMs alone (128x784x400: 306.6 against 285.6 GFLOP/s) and level in the training step (12
    /// alternating processes), where, with A still packed, packing B had been 4% faster. (The Zen 3 machine had found
    /// in place as good or better throughout.)</item>
    /// <item>No shared B blocks and no 3% allowance for more parts: 1024³ and 512³ then get 2 × 1 grids, 2% and 4–8%
    /// above the shared plan (`gemm-plans`, two runs of 8 rounds: 291–292 against 285–287 and 286–304 against
    /// 274–282 GFLOP/s); the VAE's plans are unchanged.</item>
    /// <item>Parts whose columns end on half a tile (the one-vector edge variant): n = 784 splits 400 + 384, not
    /// 416 + 368, about 2% at the m = 128 shapes (docs/perf-notes.md, "v-halftile").</item>
    /// <item>Packed blocks of B of at most 512 KiB, a quarter of the 2 MiB L2 (Zen 3: 2 MiB, sized for L3). Of the
    /// shapes benchmarked only 1024³ changes, from 2 × 1 parts with 1 MiB blocks to 1 × 2 with 512 KiB, ahead in 6 of 7
    /// comparisons (`gemm-plans`, 8–12 rounds: e.g. 297.1 against 291.4; once level).</item>
    /// <item>An NT product whose transposing pack of B each thread would do for at least twice A's rows, at a depth of
    /// 256 or more, computed as Cᵀ = B · Aᵀ (GemmPlan.TransposedC): 128x784x400:NT 2–4% faster in alternating
    /// processes; 128x400x784:NT was level and 128x400x20:NT 20% slower that way, so they keep the direct product
    /// (docs/perf-notes.md, "v-transposed-c").</item>
    /// <item>1 × P grids that read A in place let the threads claim column slivers (GemmPlan.ClaimsColumns): one vCPU
    /// of the Xeon VM often ran at 55–82% while the other ran at 86–91%, which a static split waits for; level in calm
    /// rounds, 13–35% faster in slowed ones (docs/perf-notes.md, "v-claimed").</item>
    /// </list>
    /// </summary>
    public static GemmCostModel FloatVector512 { get; } = IsIntelProcessor
        ? new GemmCostModel(32, 0.45, AvoidLargePartsOnePerThread: false, ReadsOperandsInPlace: false, ShareLargeBBlocks: false, BalanceTolerance: 0,
            ColumnBlockBytes: 512 << 10, HalfTileColumnSplits: true, ReadsRowMajorAInPlace: true,
            ReadsRowMajorBInPlace: true, TransposesSmallerOperand: true, ClaimsColumnSlivers: true)
        : Zen3(16);

    /// <summary>True on an Intel processor (CPUID vendor "GenuineIntel"), which gets <see cref="FloatVector512"/>'s Xeon figures.</summary>
    internal static bool IsIntelProcessor
    {
        get
        {
            if (!X86Base.IsSupported) return false;
            // CPUID leaf 0: the vendor string in ebx, edx, ecx ("Genu", "ineI", "ntel").
            (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
            return ebx == 0x756E6547 && edx == 0x49656E69 && ecx == 0x6C65746E;
        }
    }
}
