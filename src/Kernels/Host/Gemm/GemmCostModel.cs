namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// What <see cref="GemmPlan"/> weighs when it cuts a GEMM up, for one micro-kernel on one machine: how fast a core
/// multiplies and streams, how large the blocks of A and B may be, the L1 geometry, and which of the planner's rules
/// apply. <see cref="For"/> derives it from the machine's measured properties (<see cref="MachineProperties"/>), then
/// applies the measured exceptions of <see cref="Exceptions"/>, each a named row with its reason; docs/perf-notes.md,
/// "The planner's measured rules", has the measurement behind every figure and row.
/// </summary>
/// <param name="FusedMultiplyAddsPerCycle">
/// Lanes of multiply-add a core retires per cycle with the kernel's vectors: FMA pipes × lanes per vector (two 256-bit
/// pipes on every AVX2 core; one or two 512-bit pipes, <see cref="MachineProperties.Fma512Pipes"/>).
/// </param>
/// <param name="StreamCyclesPerElement">Cycles to bring one element in from L3.</param>
/// <param name="RowBlockBytes">The most bytes an MC × KC block of packed A may take (MC's limit): 3/8 of L2.</param>
/// <param name="ColumnBlockBytes">The most bytes a KC × NC block of packed B may take (NC's limit).</param>
/// <param name="SharedColumnBlockBytes">NC's limit in a <see cref="GemmPlan.SharedB"/> plan: the L3-sized block.</param>
/// <param name="L1Sets">Sets of the L1 data cache (which strides stay resident, GemmPlan's SpreadsOverL1).</param>
/// <param name="L1Ways">Ways of the L1 data cache.</param>
/// <param name="AvoidLargePartsOnePerThread">
/// Whether a grid of large parts with fewer than two per thread is kept only when no other grid exists (see
/// <see cref="GemmPlan.Create"/>).
/// </param>
/// <param name="ReadsOperandsInPlace">
/// Whether A or B may be read in place, unpacked, where the plan judges that packing would not pay (see
/// <see cref="GemmPlan"/>'s ChoosePackA and ChoosePackB); otherwise both are packed but for the next two figures.
/// </param>
/// <param name="ShareLargeBBlocks">
/// Whether large GEMMs whose grid would pack both operands in several row parts share each packed block of B between
/// the threads instead (<see cref="GemmPlan.SharedB"/>).
/// </param>
/// <param name="BalanceTolerance">
/// How much modelled cost a grid with more parts may add and still be preferred for its load balance.
/// </param>
/// <param name="HalfTileColumnSplits">
/// Whether the columns of a grid's parts may be a multiple of half the register tile rather than of the whole tile,
/// for kernels with a one-vector variant for narrow edges: a part then ends with a half-tile edge, and two parts of
/// n = 784 on the 32-column tile get 400 and 384 columns instead of 416 and 368.
/// </param>
/// <param name="ReadsRowMajorAInPlace">
/// Whether a row-major A may be read in place (by a kernel that supports row-strided A, where ChoosePackA judges that
/// packing would not pay) even when <paramref name="ReadsOperandsInPlace"/> is false.
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
internal readonly record struct GemmCostModel(int FusedMultiplyAddsPerCycle, double StreamCyclesPerElement, int RowBlockBytes,
    int ColumnBlockBytes, int SharedColumnBlockBytes, int L1Sets, int L1Ways, bool AvoidLargePartsOnePerThread,
    bool ReadsOperandsInPlace, bool ShareLargeBBlocks, double BalanceTolerance, bool HalfTileColumnSplits = false,
    bool ReadsRowMajorAInPlace = false, bool ReadsRowMajorBInPlace = false, bool TransposesSmallerOperand = false,
    bool ClaimsColumnSlivers = false)
{
    /// <summary>Where each figure and exception was measured: docs/perf-notes.md, "The planner's measured rules".</summary>
    public const string PerfNotes = "docs/perf-notes.md#the-planners-measured-rules";

    /// <summary>The largest block of B the model allows, measured on Zen 3 (larger blocks sized for its L3 did not pay).</summary>
    private const int MaximumColumnBlockBytes = 2 << 20;

    /// <summary>
    /// The model for a kernel of <paramref name="vectorBits"/>-bit vectors (the element's own width for a scalar
    /// kernel) over <paramref name="elementSize"/>-byte elements on <paramref name="machine"/>. First what follows
    /// from the properties:
    /// <list type="bullet">
    /// <item>FMA lanes per cycle: pipes × lanes per vector;</item>
    /// <item>an MC × KC block of A of at most 3/8 of L2 (192 KiB of a 512 KiB L2: room beside it for B's sliver and C's
    /// tiles as the micro-kernel sweeps it). L2 counts as the core's own: a hyperthread sibling that computes beside it
    /// would halve it, which the model does not see (the machines measured did not share L2 between vCPUs);</item>
    /// <item>a KC × NC block of B of at most this processor's share of L3 (half of L2 without an L3), and at most
    /// 2 MiB;</item>
    /// <item>the L1's sets and ways;</item>
    /// <item>and the rest as measured on the Zen 3 machine: 0.15 cycles per float streamed from L3, the
    /// one-part-per-thread rule, operands read in place where the plan allows, shared B blocks, a 3% allowance for more
    /// parts.</item>
    /// </list>
    /// Then every row of <see cref="Exceptions"/> whose condition holds, in order.
    /// </summary>
    public static GemmCostModel For(MachineProperties machine, int vectorBits, int elementSize)
    {
        int lanes = Math.Max(1, vectorBits / (8 * elementSize));
        long l3Share = machine.L3.Bytes > 0 ? machine.L3.BytesPerProcessor : machine.L2.Bytes / 2;
        int columnBlockBytes = (int)Math.Min(MaximumColumnBlockBytes, l3Share);
        var model = new GemmCostModel(
            FusedMultiplyAddsPerCycle: machine.FmaPipes(vectorBits) * lanes,
            StreamCyclesPerElement: 0.15,
            RowBlockBytes: (int)(machine.L2.Bytes * 3 / 8),
            ColumnBlockBytes: columnBlockBytes,
            SharedColumnBlockBytes: columnBlockBytes,
            L1Sets: machine.L1Data.Sets,
            L1Ways: machine.L1Data.Ways,
            AvoidLargePartsOnePerThread: true,
            ReadsOperandsInPlace: true,
            ShareLargeBBlocks: true,
            BalanceTolerance: 0.03);
        foreach (var rule in Exceptions)
            if (rule.AppliesTo(machine, vectorBits, elementSize)) model = rule.Apply(model, machine);
        return model;
    }

    /// <summary>The names of the <see cref="Exceptions"/> that apply to a kernel on a machine (for reports and tests).</summary>
    public static IEnumerable<string> ExceptionsFor(MachineProperties machine, int vectorBits, int elementSize)
        => Exceptions.Where(rule => rule.AppliesTo(machine, vectorBits, elementSize)).Select(rule => rule.Name);

    /// <summary>
    /// The measured exceptions to the model, one row each: its name (the row of the same name in
    /// <see cref="PerfNotes"/>), when it applies, what it changes and why in one line. All of today's rows were
    /// measured on the one machine with two full-width 512-bit FMA pipes (an Emerald Rapids Xeon) with the float
    /// Vector512 kernel, so they apply where that kernel runs on such a core: twice the FMA rate of the Zen machines
    /// against a slower stream, which is what the rows trade on. A machine that breaks one gets a row of its own.
    /// </summary>
    public static IReadOnlyList<GemmRule> Exceptions { get; } =
    [
        new("streaming rate", TwoPipeFloat512, (model, _) => model with { StreamCyclesPerElement = 0.45 },
            "Adam, which only streams, moved about 9 bytes per cycle per core: 0.45 cycles per float"),
        new("one part per thread, off", TwoPipeFloat512, (model, _) => model with { AvoidLargePartsOnePerThread = false },
            "the 1 × 2 and 2 × 1 grids of the m = 128 shapes pack or stream each operand once, and won"),
        new("transposed operands packed", TwoPipeFloat512, (model, _) => model with { ReadsOperandsInPlace = false },
            "packing the TN shapes' A beat reading it in place in the training step"),
        new("row-major operands in place", TwoPipeFloat512, (model, _) => model with { ReadsRowMajorAInPlace = true, ReadsRowMajorBInPlace = true },
            "with the transposed ones packed, row-major A and B read in place were 7% faster in the NN GEMMs"),
        new("no shared B, no 3% allowance", TwoPipeFloat512, (model, _) => model with { ShareLargeBBlocks = false, BalanceTolerance = 0 },
            "the plain 2 × 1 grids beat the shared B blocks at 512³ and 1024³"),
        new("half-tile column splits", TwoPipeFloat512, (model, _) => model with { HalfTileColumnSplits = true },
            "n = 784 splits 400 + 384 instead of 416 + 368, about 2% at the m = 128 shapes"),
        new("blocks of B of a quarter of L2", TwoPipeFloat512,
            (model, machine) => model with { ColumnBlockBytes = (int)Math.Min(model.ColumnBlockBytes, machine.L2.Bytes / 4) },
            "a 2 MiB L2 holds B's block: 512 KiB blocks ran ahead of L3-sized ones at 1024³"),
        new("transposed C", TwoPipeFloat512, (model, _) => model with { TransposesSmallerOperand = true },
            "Cᵀ = B · Aᵀ moves the transposing pack to the smaller operand: 2–4% at 128x784x400:NT"),
        new("claimed column slivers", TwoPipeFloat512, (model, _) => model with { ClaimsColumnSlivers = true },
            "one vCPU often ran at 55–82% of the other, which a static split waits for"),
    ];

    // The float Vector512 kernel on a core with two full-width 512-bit FMA pipes.
    private static bool TwoPipeFloat512(MachineProperties machine, int vectorBits, int elementSize)
        => vectorBits == 512 && elementSize == sizeof(float) && machine.Fma512Pipes == 2;
}

/// <summary>
/// One measured exception to <see cref="GemmCostModel.For"/>: a name (the row of the same name in
/// docs/perf-notes.md, "The planner's measured rules"), the machines and kernels it applies to (machine, vector bits,
/// element size), the change it makes, and its reason in one line.
/// </summary>
internal sealed record GemmRule(string Name, Func<MachineProperties, int, int, bool> AppliesTo,
    Func<GemmCostModel, MachineProperties, GemmCostModel> Apply, string Reason);
