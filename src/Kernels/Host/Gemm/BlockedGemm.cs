using System.Numerics;
using System.Runtime.CompilerServices;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The blocked GEMM driver, specialised by the JIT for each element type and micro-kernel (TKernel is a struct, so
/// its static members are direct calls). Shape legend: C is m × n, op(A) is m × k, op(B) is k × n; MR × NR is the
/// micro-kernel's register tile, MC/KC/NC the cache blocks of <see cref="GemmPlan"/>.
/// <code>
/// for each part of C (one per thread)
///   for jc over the part's columns, step NC
///     for pc over k, step KC            (the first KC block applies beta, later ones add: beta = 1)
///       pack op(B)[pc.., jc..] into NR-wide panels          (or read B in place)
///       for ic over the part's rows, step MC
///         pack op(A)[ic.., pc..] into MR-tall panels         (or read A in place)
///         for jr over NC, step NR         (a KC × NR sliver of B stays in L1)
///           for ir over MC, step MR       (the A block streams from L2)
///             micro-kernel: C[ic+ir.., jc+jr..] = alpha · Ã·B̃ + beta · C
/// </code>
/// Large GEMMs that would pack both operands in several row parts run <see cref="RunShared"/> instead: the same
/// loops with jc and pc outermost, the packing of each B block shared by all threads and its row blocks (ic) handed
/// out among them (<see cref="GemmPlan.SharedB"/>). 1 × P grids that read A in place run <see cref="RunClaimed"/>: the
/// parts are ranges of NR-wide column slivers that a thread done with its own takes over from the others
/// (<see cref="GemmPlan.ClaimsColumns"/>). A <see cref="GemmPlan.TransposedC"/> plan computes Cᵀ = op(B)ᵀ · op(A)ᵀ and
/// has the kernel store its tiles transposed.
/// </summary>
internal static unsafe class BlockedGemm<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IMicroKernel<T>
{
    /// <summary>C = alpha · op(A) · op(B) + beta · C; arguments already validated.</summary>
    public static void Multiply(WorkerPool pool, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c)
    {
        if (alpha == T.Zero || k == 0)
        {
            ScaleOnly(m, n, beta, c);
            return;
        }

        Run(pool, Plan(transposeA, transposeB, m, n, k, pool.ThreadCount), transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
    }

    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C with a given plan (alpha ≠ 0, k ≥ 1; for tools that compare plans). A
    /// <see cref="GemmPlan.TransposedC"/> plan describes the product Cᵀ = op(B)ᵀ · op(A)ᵀ (n × m), which it writes
    /// transposed into the row-major m × n C: from here on the operands' roles and transposes are swapped.
    /// </summary>
    internal static void Run(WorkerPool pool, in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c)
    {
        if (plan.TransposedC)
        {
            (transposeA, transposeB, m, n) = (!transposeB, !transposeA, n, m);
            T* first = a;
            a = b;
            b = first;
        }
        GemmJob<T, TKernel> job = GemmJob<T, TKernel>.ForCurrentThread();
        job.Set(plan, transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
        try
        {
            if (plan.SharedB)
            {
                int stages = GemmPlan.CeilingDivide(n, plan.ColumnBlock) * GemmPlan.CeilingDivide(k, plan.DepthBlock);
                job.SetShared(PackBuffers<T>.ForCurrentThread().B((nint)plan.ColumnBlock * plan.DepthBlock), stages);
                pool.For(pool.ThreadCount, job.SharedBody);
            }
            else if (plan.Parts == 1) job.RunPart(0);
            else if (plan.ClaimsColumns)
            {
                job.SetClaims(plan.Parts, GemmPlan.CeilingDivide(n, TKernel.Columns));
                pool.For(plan.Parts, job.ClaimedBody);
            }
            else if (plan.ClaimsRows)
            {
                job.SetClaims(plan.Parts, GemmPlan.CeilingDivide(m, GemmPlan.RowsPerClaim));
                pool.For(plan.Parts, job.ClaimedRowsBody);
            }
            else pool.For(plan.Parts, job.Body);
        }
        finally
        {
            job.Clear();
        }
    }

    /// <summary>
    /// The plan for one shape, remembered per thread: a training step repeats a dozen shapes, and planning weighs
    /// a few dozen splits, which would be a noticeable share of a 10 µs GEMM.
    /// </summary>
    internal static GemmPlan Plan(bool transposeA, bool transposeB, int m, int n, int k, int threads)
    {
        var cache = s_plans ??= new Dictionary<(int, int, int, int, int), GemmPlan>();
        var key = (m, n, k, threads, (transposeA ? 1 : 0) | (transposeB ? 2 : 0));
        if (cache.TryGetValue(key, out GemmPlan plan)) return plan;
        plan = GemmPlan.Create(m, n, k, transposeA, transposeB, threads, Traits);
        if (cache.Count >= 1024) cache.Clear();
        cache[key] = plan;
        return plan;
    }

    [ThreadStatic] private static Dictionary<(int, int, int, int, int), GemmPlan>? s_plans;

    /// <summary>The kernel as the planner sees it.</summary>
    internal static GemmKernelTraits Traits { get; } = new(TKernel.Rows, TKernel.Columns, sizeof(T), TKernel.SupportsRowStridedA,
        TKernel.SupportsTransposedC, TKernel.CostModel);

    // alpha = 0: C = beta · C, and C = 0 without reading it when beta = 0.
    private static void ScaleOnly(int m, int n, T beta, T* c)
    {
        long length = (long)m * n;
        if (beta == T.Zero) new Span<T>(c, checked((int)length)).Clear();
        else if (beta != T.One) for (long i = 0; i < length; i++) c[i] *= beta;
    }

    /// <summary>Computes part <paramref name="index"/> of C (see the class remarks for the loop nest).</summary>
    internal static void RunPart(in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c, int index)
    {
        int rowStart = index / plan.ColumnParts * plan.RowsPerPart;
        int columnStart = index % plan.ColumnParts * plan.ColumnsPerPart;
        RunBlock(plan, transposeA, transposeB, m, n, k, alpha, a, b, beta, c,
            rowStart, Math.Min(m, rowStart + plan.RowsPerPart), columnStart, Math.Min(n, columnStart + plan.ColumnsPerPart));
    }

    /// <summary>
    /// Part <paramref name="index"/> of a <see cref="GemmPlan.ClaimsColumns"/> run. C's columns are cut into NR-wide
    /// slivers (all rows each), and <paramref name="ranges"/> holds one range of them per part, packed as
    /// (first &lt;&lt; 32) | end. A part claims its own range's slivers from the front, in order, so in a calm run each
    /// thread computes the columns it computed last time (its B and C still in its caches); then it takes slivers from
    /// the back of the other ranges, so a thread whose core is slowed down computes fewer. Each sliver gets the loops of
    /// <see cref="RunPart"/> with the same KC blocks: an element's bits do not depend on who computed it.
    /// </summary>
    internal static void RunClaimed(in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c, long[] ranges, int index)
    {
        int width = TKernel.Columns;
        for (int other = 0, sliver; (sliver = Claim(ranges, index, ref other)) >= 0;)
            RunBlock(plan, transposeA, transposeB, m, n, k, alpha, a, b, beta, c, 0, m, sliver * width, Math.Min(n, (sliver + 1) * width));
    }

    /// <summary>
    /// Part <paramref name="index"/> of a <see cref="GemmPlan.ClaimsRows"/> run: as <see cref="RunClaimed"/> with
    /// slices of <see cref="GemmPlan.RowsPerClaim"/> rows (all columns each) in place of column slivers. Every part first
    /// packs all of op(B) (each KC block), which each of its fixed parts would have packed as well, so a slice needs
    /// nothing packed but A's bottom edge.
    /// </summary>
    internal static void RunClaimedRows(in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c, long[] ranges, int index)
    {
        T* allB = PackAllB(plan, transposeB, n, k, b);
        int height = GemmPlan.RowsPerClaim;
        for (int other = 0, slice; (slice = Claim(ranges, index, ref other)) >= 0;)
            RunBlock(plan, transposeA, transposeB, m, n, k, alpha, a, b, beta, c, slice * height, Math.Min(m, (slice + 1) * height), 0, n, allB);
    }

    // The next sliver or slice for part index: the front of its own range, then (other counting the ranges done with)
    // the back of each other range in turn; −1 when every range is empty.
    private static int Claim(long[] ranges, int index, ref int other)
    {
        if (other == 0)
        {
            int own = ClaimFront(ref ranges[index]);
            if (own >= 0) return own;
            other = 1;
        }
        for (; other < ranges.Length; other++)
        {
            int taken = ClaimBack(ref ranges[(index + other) % ranges.Length]);
            if (taken >= 0) return taken;
        }
        return -1;
    }

    // Packs all of op(B) into this thread's B buffer: the NR-wide panels of each KC block, the blocks one after the
    // other (block pc at pc · PaddedColumns(n)).
    [MethodImpl(HotLoop.Options)]
    private static T* PackAllB(in GemmPlan plan, bool transposeB, int n, int k, T* b)
    {
        int tileColumns = TKernel.Columns;
        T* allB = PackBuffers<T>.ForCurrentThread().B((nint)PaddedColumns(n) * k);
        for (int pc = 0; pc < k; pc += plan.DepthBlock)
        {
            int depth = Math.Min(plan.DepthBlock, k - pc);
            T* block = allB + (nint)pc * PaddedColumns(n);
            for (int jr = 0; jr < n; jr += tileColumns)
                PackB(transposeB, n, k, b, pc, depth, jr, Math.Min(tileColumns, n - jr), block + (nint)jr * depth);
        }
        return allB;
    }

    private static int PaddedColumns(int n) => GemmPlan.CeilingDivide(n, TKernel.Columns) * TKernel.Columns;

    /// <summary>Splits <paramref name="count"/> slivers or slices into <paramref name="ranges"/>.Length contiguous ranges, as equal as they come.</summary>
    internal static void SetRanges(long[] ranges, int count)
    {
        int parts = ranges.Length;
        for (int p = 0; p < parts; p++)
            Volatile.Write(ref ranges[p], ((long)(p * count / parts) << 32) | (uint)((p + 1) * count / parts));
    }

    // Takes the first sliver of a range (−1 when it is empty).
    private static int ClaimFront(ref long range)
    {
        for (long seen = Volatile.Read(ref range); ; seen = Volatile.Read(ref range))
        {
            int first = (int)(seen >> 32), end = (int)seen;
            if (first >= end) return -1;
            if (Interlocked.CompareExchange(ref range, ((long)(first + 1) << 32) | (uint)end, seen) == seen) return first;
        }
    }

    // Takes the last sliver of a range (−1 when it is empty).
    private static int ClaimBack(ref long range)
    {
        for (long seen = Volatile.Read(ref range); ; seen = Volatile.Read(ref range))
        {
            int first = (int)(seen >> 32), end = (int)seen;
            if (first >= end) return -1;
            if (Interlocked.CompareExchange(ref range, ((long)first << 32) | (uint)(end - 1), seen) == seen) return end - 1;
        }
    }

    /// <summary>
    /// Computes rows rowStart … rowEnd − 1 and columns columnStart … columnEnd − 1 of C (see the class remarks for the
    /// loop nest). <paramref name="packedAllB"/>: all of op(B) packed already, every KC block one after the other (see
    /// PackAllB), for row blocks that span all columns; null: B is packed here per block, or read in place.
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    private static void RunBlock(in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c, int rowStart, int rowEnd, int columnStart, int columnEnd, T* packedAllB = null)
    {
        int tileRows = TKernel.Rows, tileColumns = TKernel.Columns;
        if (rowStart >= rowEnd || columnStart >= columnEnd) return;

        int depthBlock = plan.DepthBlock;
        PackBuffers<T> buffers = PackBuffers<T>.ForCurrentThread();
        // Packed A holds one MC × KC block; unpacked A still needs one MR-tall panel for the bottom edge tile,
        // whose missing rows must not be read from beyond A.
        T* packedA = buffers.A((nint)(plan.PackA ? plan.RowBlock : tileRows) * depthBlock);
        T* packedB = packedAllB != null ? null : buffers.B((nint)(plan.PackB ? plan.ColumnBlock : tileColumns) * depthBlock);

        for (int jc = columnStart; jc < columnEnd; jc += plan.ColumnBlock)
        {
            int columnCount = Math.Min(plan.ColumnBlock, columnEnd - jc);
            for (int pc = 0; pc < k; pc += depthBlock)
            {
                int depth = Math.Min(depthBlock, k - pc);
                T blockBeta = pc == 0 ? beta : T.One;

                if (packedAllB != null)
                {
                    packedB = packedAllB + (nint)pc * PaddedColumns(n);
                }
                else if (plan.PackB)
                {
                    for (int jr = 0; jr < columnCount; jr += tileColumns)
                        PackB(transposeB, n, k, b, pc, depth, jc + jr, Math.Min(tileColumns, columnCount - jr), packedB + (nint)jr * depth);
                }
                else if (columnCount % tileColumns != 0)
                {
                    // Only the right edge sliver is packed: reading it in place would run past B's rows.
                    int jr = columnCount / tileColumns * tileColumns;
                    PackB(transposeB, n, k, b, pc, depth, jc + jr, columnCount - jr, packedB);
                }

                for (int ic = rowStart; ic < rowEnd; ic += plan.RowBlock)
                {
                    int rowCount = Math.Min(plan.RowBlock, rowEnd - ic);
                    if (plan.PackA)
                    {
                        for (int ir = 0; ir < rowCount; ir += tileRows)
                            PackA(transposeA, m, k, a, pc, depth, ic + ir, Math.Min(tileRows, rowCount - ir), packedA + (nint)ir * depth);
                    }
                    else if (rowCount % tileRows != 0)
                    {
                        int ir = rowCount / tileRows * tileRows;
                        PackA(transposeA, m, k, a, pc, depth, ic + ir, rowCount - ir, packedA);
                    }

                    for (int jr = 0; jr < columnCount; jr += tileColumns)
                    {
                        int columns = Math.Min(tileColumns, columnCount - jr);
                        T* bSliver;
                        nint bDepthStride;
                        if (plan.PackB) { bSliver = packedB + (nint)jr * depth; bDepthStride = tileColumns; }
                        else if (columns == tileColumns) { bSliver = b + (nint)pc * n + jc + jr; bDepthStride = n; }
                        else { bSliver = packedB; bDepthStride = tileColumns; }

                        // Row-major: C(i, j) at c + i · n + j; transposed (the plan's product is Cᵀ): at c + j · m + i.
                        T* cTile = plan.TransposedC ? c + (nint)(jc + jr) * m + ic : c + (nint)ic * n + jc + jr;
                        for (int ir = 0; ir < rowCount; ir += tileRows)
                        {
                            int rows = Math.Min(tileRows, rowCount - ir);
                            T* aSliver;
                            nint aRowStride, aDepthStride;
                            if (plan.PackA) { aSliver = packedA + (nint)ir * depth; aRowStride = 1; aDepthStride = tileRows; }
                            else if (rows != tileRows) { aSliver = packedA; aRowStride = 1; aDepthStride = tileRows; }
                            else if (transposeA) { aSliver = a + (nint)pc * m + ic + ir; aRowStride = 1; aDepthStride = m; }
                            else { aSliver = a + (nint)(ic + ir) * k + pc; aRowStride = k; aDepthStride = 1; }

                            if (plan.TransposedC)
                                TKernel.RunTransposedC(depth, aSliver, aRowStride, aDepthStride, bSliver, bDepthStride,
                                    alpha, blockBeta, cTile + ir, m, rows, columns);
                            else
                                TKernel.Run(depth, aSliver, aRowStride, aDepthStride, bSliver, bDepthStride,
                                    alpha, blockBeta, cTile + (nint)ir * n, n, rows, columns);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// One thread's share of a shared-B plan; every thread of the pool runs it once. The blocks of B are taken in
    /// order, (jc, pc) with pc inner, as in <see cref="RunPart"/>. For each, the threads first pack its NR-wide
    /// panels into <paramref name="sharedB"/>, each claiming the next unpacked panel, then claim MC-row blocks of C,
    /// pack that block of A into their own buffer and multiply it by the whole packed block of B. Before the next
    /// block overwrites <paramref name="sharedB"/>, a thread waits until every row block claimed has been computed.
    /// <para>
    /// Work is claimed, never assigned, so nothing waits for a thread that has not started: a thread that runs
    /// alone (the others still asleep) does everything, and one that starts late finds every counter satisfied
    /// and returns. Each block uses four counters in <paramref name="counters"/>: panels claimed, panels packed,
    /// row blocks claimed, row blocks done. Each element of C gets the same operations in the same order as in
    /// <see cref="RunPart"/> with the same KC, so the two give the same bits.
    /// </para>
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    internal static void RunShared(in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c, T* sharedB, int[] counters)
    {
        if (plan.TransposedC) throw new NotSupportedException("Shared-B plans store C row-major only.");
        int tileRows = TKernel.Rows, tileColumns = TKernel.Columns;
        int depthBlock = plan.DepthBlock, rowBlock = plan.RowBlock;
        int rowBlocks = GemmPlan.CeilingDivide(m, rowBlock);
        T* packedA = PackBuffers<T>.ForCurrentThread().A((nint)rowBlock * depthBlock);
        int stage = 0;
        for (int jc = 0; jc < n; jc += plan.ColumnBlock)
        {
            int columnCount = Math.Min(plan.ColumnBlock, n - jc);
            int panels = GemmPlan.CeilingDivide(columnCount, tileColumns);
            for (int pc = 0; pc < k; pc += depthBlock, stage++)
            {
                int depth = Math.Min(depthBlock, k - pc);
                T blockBeta = pc == 0 ? beta : T.One;
                ref int panelsClaimed = ref counters[4 * stage];
                ref int panelsPacked = ref counters[4 * stage + 1];
                ref int blocksClaimed = ref counters[4 * stage + 2];
                ref int blocksDone = ref counters[4 * stage + 3];

                for (int panel; (panel = Interlocked.Increment(ref panelsClaimed) - 1) < panels;)
                {
                    int jr = panel * tileColumns;
                    PackB(transposeB, n, k, b, pc, depth, jc + jr, Math.Min(tileColumns, columnCount - jr), sharedB + (nint)jr * depth);
                    Interlocked.Increment(ref panelsPacked);
                }
                WaitUntil(ref panelsPacked, panels);

                for (int block; (block = Interlocked.Increment(ref blocksClaimed) - 1) < rowBlocks;)
                {
                    int ic = block * rowBlock;
                    int rowCount = Math.Min(rowBlock, m - ic);
                    for (int ir = 0; ir < rowCount; ir += tileRows)
                        PackA(transposeA, m, k, a, pc, depth, ic + ir, Math.Min(tileRows, rowCount - ir), packedA + (nint)ir * depth);
                    for (int jr = 0; jr < columnCount; jr += tileColumns)
                    {
                        int columns = Math.Min(tileColumns, columnCount - jr);
                        T* bSliver = sharedB + (nint)jr * depth;
                        T* cTile = c + (nint)ic * n + jc + jr;
                        for (int ir = 0; ir < rowCount; ir += tileRows)
                        {
                            TKernel.Run(depth, packedA + (nint)ir * depth, 1, tileRows, bSliver, tileColumns,
                                alpha, blockBeta, cTile + (nint)ir * n, n, Math.Min(tileRows, rowCount - ir), columns);
                        }
                    }
                    Interlocked.Increment(ref blocksDone);
                }
                WaitUntil(ref blocksDone, rowBlocks);
            }
        }
    }

    // Spins (yielding the core now and then, never sleeping) until counter reaches target; the work it waits for
    // was claimed by a running thread.
    private static void WaitUntil(ref int counter, int target)
    {
        if (Volatile.Read(ref counter) >= target) return;
        var spin = new SpinWait();
        while (Volatile.Read(ref counter) < target) spin.SpinOnce(sleep1Threshold: -1);
    }

    // One MR-tall panel of op(A): rows row.. row+width, depth steps pc.. pc+depth. op(A)[i, p] = transposeA ? a[p·m + i] : a[i·k + p].
    private static void PackA(bool transposeA, int m, int k, T* a, int pc, int depth, int row, int width, T* destination)
    {
        if (transposeA) PanelPacker.PackWidthContiguous(a + (nint)pc * m + row, m, width, TKernel.Rows, depth, destination);
        else PanelPacker.PackDepthContiguous(a + (nint)row * k + pc, k, width, TKernel.Rows, depth, destination);
    }

    // One NR-wide panel of op(B): columns column.. column+width. op(B)[p, j] = transposeB ? b[j·k + p] : b[p·n + j].
    private static void PackB(bool transposeB, int n, int k, T* b, int pc, int depth, int column, int width, T* destination)
    {
        if (transposeB) PanelPacker.PackDepthContiguous(b + (nint)column * k + pc, k, width, TKernel.Columns, depth, destination);
        else PanelPacker.PackWidthContiguous(b + (nint)pc * n + column, n, width, TKernel.Columns, depth, destination);
    }
}
