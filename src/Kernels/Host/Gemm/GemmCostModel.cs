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
    /// The figures of the Vector256 kernels, measured on a Zen 3 machine: 0.15 cycles per float streamed from L3, the
    /// one-part-per-thread rule, in-place operands, shared B blocks, a 3% allowance for more parts, 2 MiB blocks of B
    /// (sized for L3). The measurements: docs/perf-notes.md, "The planner's measured rules".
    /// </summary>
    public static GemmCostModel Zen3(int fusedMultiplyAddsPerCycle)
        => new(fusedMultiplyAddsPerCycle, 0.15, AvoidLargePartsOnePerThread: true, ReadsOperandsInPlace: true, ShareLargeBBlocks: true, BalanceTolerance: 0.03,
            ColumnBlockBytes: 2 << 20);

    /// <summary>
    /// The float Vector512 kernel's figures: on an Intel core, those measured on an Emerald Rapids Xeon; elsewhere (an
    /// AMD Zen 4 splits 512-bit FMAs, 16 lanes) the Zen 3 figures, since no other was measured. Each difference from
    /// <see cref="Zen3"/> is a rule the Xeon's measurements decided, with its reason in one line; the figures are in
    /// docs/perf-notes.md, "The planner's measured rules":
    /// <list type="bullet">
    /// <item>32 lanes per cycle (two 512-bit FMA pipes), 0.45 cycles per float streamed.</item>
    /// <item>No one-part-per-thread rule: the 1 × 2 and 2 × 1 grids pack or stream each operand once, and won.</item>
    /// <item>Transposed operands always packed, row-major ones read in place where the plan allows.</item>
    /// <item>No shared B blocks and no allowance for more parts: the plain grids were faster at 512³ and 1024³.</item>
    /// <item>Half-tile column splits: n = 784 splits 400 + 384, evening the parts.</item>
    /// <item>Blocks of B of at most a quarter of L2 (512 KiB), not sized for L3.</item>
    /// <item>Cᵀ = B · Aᵀ for NT products whose transposing pack would fall on the larger operand.</item>
    /// <item>Claimed column slivers in 1 × P grids: a static split waits for a slowed core.</item>
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
