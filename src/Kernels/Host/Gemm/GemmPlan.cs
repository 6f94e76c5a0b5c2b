namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// How one GEMM is cut up: C is split into RowParts × ColumnParts rectangles that the worker pool hands out to its
/// threads (one or a few per thread, each thread packing into its own buffers); inside a part the
/// loops run over column blocks (NC), depth blocks (KC) and row blocks (MC) around the micro-kernel, and each
/// operand is either packed into panels or read in place.
/// <para>
/// Block sizes follow the cache levels (<see cref="GemmCostModel"/>, from the machine's measured caches): a KC × NR
/// sliver of B (16 KiB) stays in L1 while the micro-kernel sweeps the MC × KC block of A (at most 3/8 of L2) held in
/// L2; the KC × NC block of B (at most this core's share of L3, and 2 MiB) is reused from the outer caches. Each dimension is
/// divided into equal blocks (784 = 4 × 196, not 3 × 256 + 16), so no block is a sliver.
/// </para>
/// </summary>
/// <param name="RowParts">Parts along m.</param>
/// <param name="ColumnParts">Parts along n.</param>
/// <param name="RowsPerPart">Rows of C per part (a multiple of MR, the last part may be shorter).</param>
/// <param name="ColumnsPerPart">Columns of C per part (a multiple of NR, or of NR / 2 where the cost model allows half-tile splits; the last part may be shorter).</param>
/// <param name="DepthBlock">KC.</param>
/// <param name="RowBlock">MC, a multiple of MR.</param>
/// <param name="ColumnBlock">NC, a multiple of NR.</param>
/// <param name="PackA">Pack A into MR-row panels (else read it in place).</param>
/// <param name="PackB">Pack B into NR-column panels (else read it in place; only without transposeB).</param>
/// <param name="SharedB">
/// All threads work on one packed KC × NC block of B at a time (see <see cref="BlockedGemm{T, TKernel}"/>): they pack
/// its panels together, then take MC-row blocks of C; there is one part, and A and B are both packed.
/// </param>
/// <param name="TransposedC">
/// The GEMM is computed as Cᵀ = op(B)ᵀ · op(A)ᵀ, an n × m product whose tiles the micro-kernel stores transposed into
/// the row-major C (IMicroKernel.RunTransposedC); every other figure of the plan describes that product. Chosen for a
/// row-major A and a transposed B with m &lt; n where the cost model allows it: the transposing pack then falls on the
/// smaller operand (see <see cref="GemmCostModel.TransposesSmallerOperand"/>). Each element of C gets the same
/// multiply-adds in the same order, so the bits are those of the direct product.
/// </param>
/// <param name="ClaimsColumns">
/// The parts' columns are NR-wide slivers (all rows each) that the threads claim: a part computes its own range of
/// slivers first and then takes the others' remaining ones from their far end, so a thread whose core is slowed down
/// computes fewer (BlockedGemm.RunClaimed). For 1 × P grids that read A in place (nothing is packed per part but B's
/// slivers, which are per column anyway); the figures of the grid still give the blocks.
/// </param>
/// <param name="ClaimsRows">
/// As <paramref name="ClaimsColumns"/> for P × 1 grids, with slices of <see cref="RowsPerClaim"/> rows (all columns):
/// for the C-transposed plans, whose parts read A in place and each pack all of B anyway (every part packs it once
/// up front, then claims slices).
/// </param>
internal readonly record struct GemmPlan(int RowParts, int ColumnParts, int RowsPerPart, int ColumnsPerPart,
    int DepthBlock, int RowBlock, int ColumnBlock, bool PackA, bool PackB, bool SharedB = false, bool TransposedC = false,
    bool ClaimsColumns = false, bool ClaimsRows = false)
{
    /// <summary>
    /// Rows of C per claimed slice of a <see cref="ClaimsRows"/> plan (eight register tiles of the 8-row kernels):
    /// smaller slices make each B sliver serve fewer tiles per pass (perf-notes, "The planner's measured rules":
    /// claimed slices).
    /// </summary>
    public const int RowsPerClaim = 64;

    /// <summary>Cycles a fork/join of the worker pool costs, roughly (wake-up plus the join's cache-line traffic).</summary>
    private const double SyncCycles = 4000;

    /// <summary>Cycles to pack one element when the source is contiguous along the panel width (a plain copy).</summary>
    private const double CopyCyclesPerElement = 0.3;

    /// <summary>Cycles to pack one element through the register transpose.</summary>
    private const double TransposeCyclesPerElement = 0.6;

    /// <summary>Cycles each part spends before its first multiply-add (buffers, edge packing, the first cache misses).</summary>
    private const double PartStartCycles = 1500;

    /// <summary>The most parts per thread a plan considers.</summary>
    private const int PartsPerThread = 16;

    /// <summary>
    /// Parts above this many cycles of multiply-adds are too large to hand out one per thread (see Create).
    /// </summary>
    private const double LargePartCycles = 500_000;

    /// <summary>The shortest depth for which a C-transposed plan is considered (see Create).</summary>
    private const int TransposedCMinimumDepth = 256;

    /// <summary>KC's upper limit, for every kernel and element type (see Blocks).</summary>
    private const int DepthBlockLimit = 256;

    // The smallest GEMM that gets a shared-B plan (see Create).
    private const int SharedMinimumRowsPerThread = 256, SharedMinimumColumns = 512, SharedMinimumDepth = 256;

    /// <summary>Number of parts.</summary>
    public int Parts => RowParts * ColumnParts;

    /// <summary>A one-line description for benchmark reports.</summary>
    public override string ToString() => SharedB
        ? $"shared B blocks, KC={DepthBlock} MC={RowBlock} NC={ColumnBlock}, A packed per thread, B packed together"
        : (TransposedC ? "C transposed: Cᵀ = op(B)ᵀ·op(A)ᵀ in " : "") +
        $"{RowParts}x{ColumnParts} parts of {RowsPerPart}x{ColumnsPerPart}, KC={DepthBlock} MC={RowBlock} NC={ColumnBlock}, " +
        $"A {(PackA ? "packed" : "in place")}, B {(PackB ? "packed" : "in place")}" +
        (ClaimsColumns ? ", column slivers claimed" : "") + (ClaimsRows ? ", row slices claimed" : "");

    /// <summary>Chooses the split (or a shared-B plan) and the block sizes for one GEMM on the given kernel.</summary>
    public static GemmPlan Create(int m, int n, int k, bool transposeA, bool transposeB, int threads, GemmKernelTraits kernel)
    {
        var (tileRows, tileColumns, elementSize, supportsRowStridedA, supportsTransposedC, machine) = kernel;
        // C = A · Bᵀ with A m × k and B n × k both row-major: the kernel reads vectors along C's rows, so B (n × k)
        // has to be transposed into panels, each thread its n / threads rows. Cᵀ = B · Aᵀ reads B in place (as a
        // row-major A) and transposes A instead, all m rows of it in every thread (its grids split B's rows), and
        // stores each tile through 48 shuffles per K block. That pays only where each thread's transposing pack
        // shrinks to half or less and the depth is long enough to repay the stores (perf-notes, "The planner's
        // measured rules": transposed C).
        if (supportsTransposedC && machine.TransposesSmallerOperand && !transposeA && transposeB
            && 2L * m * threads <= n && k >= TransposedCMinimumDepth)
        {
            GemmPlan swapped = Create(n, m, k, transposeA: false, transposeB: true, threads, kernel with { SupportsTransposedC = false });
            if (!swapped.SharedB)
            {
                // A P × 1 grid of the swapped product: every part packs all of its B (the original A) and reads its A
                // (the original B) in place, so the parts may as well claim row slices (see ClaimsRows).
                bool claimRows = machine.ClaimsColumnSlivers && threads > 1 && swapped.ColumnParts == 1 && swapped.Parts > 1
                                 && !swapped.PackA;
                return swapped with { TransposedC = true, ClaimsRows = claimRows };
            }
        }
        // Candidates: every rows × columns grid of up to PartsPerThread · threads parts. The pool hands parts out
        // dynamically, so P parts on T threads take ⌈P / T⌉ rounds of the largest part.
        // On a quiet machine the cheapest grid wins. But cores are often shared: a thread that loses its core for a
        // while stalls a static split, while several parts per thread let the other threads take over its share.
        // So among grids within a few percent of the cheapest, the one with the most parts is chosen: small parts
        // cost little when they pack nothing twice (an operand read in place, or split rather than shared), and
        // the ⌈P / T⌉ rounds in the cost keep an uneven count honest. (Two passes: planning must not allocate.)
        //
        // One exception: a grid of large parts with fewer than two per thread has no slack at all. A thread that
        // loses its core stalls the call, and each thread packs all of its B before computing, so that memory
        // traffic is not hidden behind the other thread's multiply-adds; the model sees neither. Such a grid is kept
        // only when no other grid exists, where the machine's figures ask for it (GemmCostModel.AvoidLargePartsOnePerThread;
        // perf-notes, "The planner's measured rules": one part per thread).
        int maxParts = threads == 1 ? 1 : PartsPerThread * threads;
        GemmPlan best = Select(avoidOnePartPerThread: false, out _);
        if (machine.AvoidLargePartsOnePerThread && OnePartPerThread(best))
        {
            GemmPlan alternative = Select(avoidOnePartPerThread: true, out bool found);
            if (found) best = alternative;
        }
        // A grid that splits the rows and packs both operands packs every block of B once per row part (4 times
        // at 1024³) and A once per column part: share B instead, where it was measured to win (at least 256 rows per
        // thread, 512 columns and a depth of 256: none of the VAE's shapes; perf-notes, "The planner's measured
        // rules": shared B). Packing panels side by side from several threads needs panels that are whole vectors
        // wide (no lane spills into the next panel). GemmCostModel.ShareLargeBBlocks turns it on per machine.
        if (machine.ShareLargeBBlocks && threads > 1 && best.RowParts > 1 && best.PackA && best.PackB && m >= SharedMinimumRowsPerThread * threads
            && n >= SharedMinimumColumns && k >= SharedMinimumDepth && tileColumns * elementSize % 32 == 0)
            return ForSharedB(m, n, k, threads, kernel);
        // A 1 × P grid with A in place packs nothing per part that a sliver of columns would not pack anyway: let
        // the threads claim slivers instead of owning parts (see ClaimsColumns).
        if (machine.ClaimsColumnSlivers && threads > 1 && best.RowParts == 1 && best.Parts > 1 && !best.PackA)
            return best with { ClaimsColumns = true };
        return best;

        GemmPlan Select(bool avoidOnePartPerThread, out bool found)
        {
            double cheapest = double.MaxValue;
            GemmPlan chosen = default;
            found = false;
            for (int pass = 0; pass < 2; pass++)
            {
                for (int rowParts = 1; rowParts <= maxParts; rowParts++)
                {
                    for (int columnParts = 1; rowParts * columnParts <= maxParts; columnParts++)
                    {
                        if (!Evaluate(rowParts, columnParts, out GemmPlan plan, out double cost)) continue;
                        if (avoidOnePartPerThread && OnePartPerThread(plan)) continue;
                        if (pass == 0 && cost < cheapest)
                        {
                            cheapest = cost;
                            chosen = plan;
                            found = true;
                        }
                        else if (pass == 1 && cost <= cheapest * (1 + machine.BalanceTolerance) && plan.Parts > chosen.Parts)
                        {
                            chosen = plan;
                        }
                    }
                }
            }
            return chosen;
        }

        // Fewer than two parts per thread, each above LargePartCycles of multiply-adds.
        bool OnePartPerThread(GemmPlan plan) => threads > 1 && plan.Parts < 2 * threads
            && Compute(Math.Min(plan.RowsPerPart, m), Math.Min(plan.ColumnsPerPart, n)) > LargePartCycles;

        double Compute(int partRows, int partColumns) => PartCompute(partRows, partColumns, k, tileRows, tileColumns, machine.FusedMultiplyAddsPerCycle);

        bool Evaluate(int rowParts, int columnParts, out GemmPlan plan, out double cost)
            => Grid(m, n, k, transposeA, transposeB, threads, kernel, rowParts, columnParts, packBOverride: null, out plan, out cost);
    }

    /// <summary>
    /// The plan for a rows × columns grid of parts, with the block sizes and packing the model would give it, for
    /// tools that compare plans (bench gemm-plans); <paramref name="packB"/> overrides the choice to pack B (a
    /// transposed B is always packed). Null when the grid is not distinct (it has the same parts as a smaller one).
    /// </summary>
    internal static GemmPlan? ForGrid(int m, int n, int k, bool transposeA, bool transposeB, int threads, in GemmKernelTraits kernel,
        int rowParts, int columnParts, bool? packB = null)
        => Grid(m, n, k, transposeA, transposeB, threads, kernel, rowParts, columnParts, packB, out GemmPlan plan, out _) ? plan : null;

    // The plan and modelled cost of one grid (see Create).
    private static bool Grid(int m, int n, int k, bool transposeA, bool transposeB, int threads, in GemmKernelTraits kernel,
        int rowParts, int columnParts, bool? packBOverride, out GemmPlan plan, out double cost)
    {
        var (tileRows, tileColumns, elementSize, supportsRowStridedA, _, machine) = kernel;
        plan = default;
        cost = 0;
        var (depthBlock, rowBlockLimit, columnBlockLimit) = Blocks(k, tileRows, tileColumns, elementSize, machine.RowBlockBytes, machine.ColumnBlockBytes);
        int rowsPerPart = RoundUp(CeilingDivide(m, rowParts), tileRows);
        // Half-tile splits where the cost model allows them and half a tile column of the part is worth more than a
        // fork/join: the worker threads start later than the caller, and in small GEMMs (20x400x128:TN: 1,500
        // cycles per half column) the caller's larger whole-tile part measured faster.
        bool halfTiles = machine.HalfTileColumnSplits
                         && (double)RoundUp(Math.Min(rowsPerPart, m), tileRows) * (tileColumns / 2) * k / machine.FusedMultiplyAddsPerCycle >= SyncCycles;
        int columnsPerPart = RoundUp(CeilingDivide(n, columnParts), halfTiles ? tileColumns / 2 : tileColumns);
        if (CeilingDivide(m, rowsPerPart) != rowParts || CeilingDivide(n, columnsPerPart) != columnParts) return false; // same grid as a smaller one
        int parts = rowParts * columnParts;

        int partRows = Math.Min(rowsPerPart, m), partColumns = Math.Min(columnsPerPart, n);
        int rowBlock = EqualBlock(partRows, rowBlockLimit, tileRows);
        int columnBlock = EqualBlock(partColumns, columnBlockLimit, tileColumns);
        bool packA = !(machine.ReadsOperandsInPlace || (machine.ReadsRowMajorAInPlace && !transposeA))
                     || ChoosePackA(transposeA, supportsRowStridedA, m, k, partRows, partColumns, depthBlock, tileColumns, elementSize);
        bool packB = transposeB || (packBOverride ?? (!(machine.ReadsOperandsInPlace || machine.ReadsRowMajorBInPlace)
                                                       || ChoosePackB(transposeB, n, partRows, rowBlock, depthBlock, elementSize, machine)));

        // Cycles of the largest part: padded multiply-adds, packing, a fixed start-up.
        double compute = PartCompute(partRows, partColumns, k, tileRows, tileColumns, machine.FusedMultiplyAddsPerCycle);
        double pack = 0;
        if (packA) pack += (double)partRows * k * CeilingDivide(partColumns, columnBlock)
                           * (transposeA ? CopyCyclesPerElement : TransposeCyclesPerElement);
        if (packB) pack += (double)partColumns * k * (transposeB ? TransposeCyclesPerElement : CopyCyclesPerElement);
        // Each part brings its share of A and B in from L3 at least once: B once per row block, A once per
        // column block. Small parts pay this on little work (a 6-row part streams all of its B columns for
        // one row of tiles), which keeps the plan from cutting C finer than the caches reuse well.
        double stream = machine.StreamCyclesPerElement * k * ((double)partColumns * CeilingDivide(partRows, rowBlock)
                                                      + (double)partRows * CeilingDivide(partColumns, columnBlock));
        double rounds = CeilingDivide(parts, threads);
        cost = rounds * (compute + pack + stream + PartStartCycles) + (parts > 1 ? SyncCycles : 0);
        plan = new GemmPlan(rowParts, columnParts, rowsPerPart, columnsPerPart, depthBlock, rowBlock, columnBlock, packA, packB);
        return true;
    }

    // Cycles of a part's padded multiply-adds.
    private static double PartCompute(int partRows, int partColumns, int k, int tileRows, int tileColumns, int fusedMultiplyAddsPerCycle)
        => RoundUp(partRows, tileRows) * PaddedColumns(partColumns, tileColumns) * k / fusedMultiplyAddsPerCycle;

    /// <summary>
    /// The shared-B plan for a shape (what <see cref="Create"/> picks for large GEMMs; tools may ask for it at any
    /// size): B blocks as large as L3 allows (at n = 1024, one block row, so A is packed once), and row blocks small
    /// enough that each thread takes about four per block, so a thread that falls behind delays the next block by a
    /// fraction of one.
    /// </summary>
    internal static GemmPlan ForSharedB(int m, int n, int k, int threads, in GemmKernelTraits kernel)
    {
        var (tileRows, tileColumns, elementSize, _, _, machine) = kernel;
        var (depthBlock, rowBlockLimit, columnBlockLimit) = Blocks(k, tileRows, tileColumns, elementSize, machine.RowBlockBytes,
            machine.SharedColumnBlockBytes);
        int rowBlock = EqualBlock(m, Math.Min(rowBlockLimit, RoundUp(CeilingDivide(m, 4 * threads), tileRows)), tileRows);
        int columnBlock = EqualBlock(n, columnBlockLimit, tileColumns);
        return new GemmPlan(1, 1, RoundUp(m, tileRows), RoundUp(n, tileColumns), depthBlock, rowBlock, columnBlock,
            PackA: true, PackB: true, SharedB: true);
    }

    // KC, and the limits of MC and NC: KC ≤ 256 (a KC × NR sliver of B is 16 KiB of L1 for the 16-column Vector256
    // kernels and 32 KiB for the 32-column Vector512 one), an MC × KC block of A at most rowBlockBytes of L2 and a
    // KC × NC block of B at most columnBlockBytes (the cost model's, from the caches). KC does not follow the caches,
    // and is the same for every kernel, on purpose: each element of C is a sum in order of p within a KC block, so the
    // same KC gives the same bits whatever the register tile and the machine, and training gives the same losses on
    // AVX2 and AVX-512 machines.
    private static (int DepthBlock, int RowBlockLimit, int ColumnBlockLimit) Blocks(int k, int tileRows, int tileColumns, int elementSize,
        int rowBlockBytes, int columnBlockBytes)
    {
        int depthBlock = EqualBlock(k, DepthBlockLimit, 1);
        int rowBlockLimit = Math.Max(tileRows, rowBlockBytes / (depthBlock * elementSize) / tileRows * tileRows);
        int columnBlockLimit = Math.Max(tileColumns, columnBlockBytes / (depthBlock * elementSize) / tileColumns * tileColumns);
        return (depthBlock, rowBlockLimit, columnBlockLimit);
    }

    // A row-major A must be packed for kernels that cannot stride across rows. Otherwise packing pays for itself
    // only when the A block is swept by many B slivers (wide parts), where packed panels keep it dense in L2, or when
    // A's rows are a multiple of 1 KiB apart and a block of them would crowd a fraction of the L2 sets (perf-notes,
    // "The planner's measured rules": 1 KiB strides). A block that is whole rows is contiguous anyway.
    private static bool ChoosePackA(bool transposeA, bool supportsRowStridedA, int m, int k, int partRows, int partColumns,
        int depthBlock, int tileColumns, int elementSize)
    {
        if (!transposeA && !supportsRowStridedA) return true;
        if (partColumns >= 16 * tileColumns) return true;
        // In place, the block is depthBlock-long pieces of rows k apart (row-major A), or partRows-long pieces of
        // rows m apart (transposed A).
        bool contiguous = transposeA ? partRows == m : depthBlock == k;
        long strideBytes = (long)(transposeA ? m : k) * elementSize;
        return !contiguous && strideBytes % 1024 == 0;
    }

    // A transposed B has to be packed (the kernel loads B rows as vectors). A row-major B is read in place when it
    // is swept by a single A block and its row stride spreads a KC-long sliver over the L1 sets.
    private static bool ChoosePackB(bool transposeB, int n, int rowsPerPart, int rowBlock, int depthBlock, int elementSize,
        GemmCostModel machine)
        => transposeB || rowsPerPart > rowBlock || !SpreadsOverL1((long)n * elementSize, depthBlock, machine.L1Sets, machine.L1Ways);

    // True when depth rows at the given byte stride land in enough distinct L1 sets (of 64-byte lines) to stay
    // resident: on a 64-set L1 a stride of a multiple of 512 bytes maps them onto a handful of sets.
    private static bool SpreadsOverL1(long strideBytes, int depth, int sets, int ways)
    {
        if (strideBytes % 64 != 0) return true;
        long lines = strideBytes / 64;
        long common = Gcd(lines, sets);
        return sets / common * ways >= 2 * depth;
    }

    // Columns the kernel computes for a part: whole tiles, and an edge of at most half a tile runs the one-vector
    // variant of the two-vector kernels (float Vector256 and Vector512) at about 6/7 of the FMA rate (7 loads per
    // 6 FMAs for Vector256, 9 per 8 for Vector512), so it counts as 7/6 of its width. (The double kernels for Vector256
    // and Vector512 are one vector wide and have no such variant; the model is a little optimistic for them there.)
    private static double PaddedColumns(int columns, int tileColumns)
    {
        int full = columns / tileColumns * tileColumns, edge = columns - full;
        if (edge == 0) return full;
        return full + (edge <= tileColumns / 2 ? tileColumns / 2 * 7.0 / 6.0 : tileColumns);
    }

    private static long Gcd(long x, long y)
    {
        while (y != 0) (x, y) = (y, x % y);
        return x;
    }

    // Splits length into the fewest blocks of at most limit, equal up to the granule, and returns the block size.
    private static int EqualBlock(int length, int limit, int granule)
    {
        int blocks = CeilingDivide(length, limit);
        return RoundUp(CeilingDivide(length, blocks), granule);
    }

    /// <summary>
    /// The rectangles of the m × n C that a run of this plan computes, one entry per unit of work the drivers hand out
    /// (rows RowStart … RowEnd − 1, columns ColumnStart … ColumnEnd − 1, in C's own coordinates also for a
    /// <see cref="TransposedC"/> plan): the grid's parts (BlockedGemm.RunPart), the <paramref name="tileColumns"/>-wide
    /// column slivers of a <see cref="ClaimsColumns"/> plan (RunClaimed), the <see cref="RowsPerClaim"/>-row slices of a
    /// <see cref="ClaimsRows"/> plan (RunClaimedRows), or the MC × NC blocks of a <see cref="SharedB"/> plan (RunShared).
    /// For tests, which check that they cover every element of C exactly once; no driver calls it.
    /// </summary>
    internal List<(int RowStart, int RowEnd, int ColumnStart, int ColumnEnd)> Assignments(int m, int n, int tileColumns)
    {
        // The plan's figures describe the product it computes: Cᵀ (n × m) for a C-transposed plan.
        var (rows, columns) = TransposedC ? (n, m) : (m, n);
        var product = new List<(int, int, int, int)>();
        if (SharedB)
        {
            for (int jc = 0; jc < columns; jc += ColumnBlock)
            for (int ic = 0; ic < rows; ic += RowBlock)
                product.Add((ic, Math.Min(rows, ic + RowBlock), jc, Math.Min(columns, jc + ColumnBlock)));
        }
        else if (ClaimsColumns)
        {
            for (int jc = 0; jc < columns; jc += tileColumns) product.Add((0, rows, jc, Math.Min(columns, jc + tileColumns)));
        }
        else if (ClaimsRows)
        {
            for (int ic = 0; ic < rows; ic += RowsPerClaim) product.Add((ic, Math.Min(rows, ic + RowsPerClaim), 0, columns));
        }
        else
        {
            for (int index = 0; index < Parts; index++)
            {
                int rowStart = index / ColumnParts * RowsPerPart, columnStart = index % ColumnParts * ColumnsPerPart;
                product.Add((rowStart, Math.Min(rows, rowStart + RowsPerPart), columnStart, Math.Min(columns, columnStart + ColumnsPerPart)));
            }
        }
        if (!TransposedC) return product;
        return product.ConvertAll(part => (part.Item3, part.Item4, part.Item1, part.Item2));
    }

    /// <summary>⌈x / y⌉ for positive x and y.</summary>
    internal static int CeilingDivide(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int granule) => CeilingDivide(x, granule) * granule;
}

/// <summary>
/// What the planner needs to know of a micro-kernel: its register tile (MR × NR), the element size, whether it reads a
/// row-strided A and stores transposed tiles (<see cref="GemmPlan.TransposedC"/>), and its cost model on this machine.
/// </summary>
internal readonly record struct GemmKernelTraits(int TileRows, int TileColumns, int ElementSize, bool SupportsRowStridedA,
    bool SupportsTransposedC, GemmCostModel Model);
