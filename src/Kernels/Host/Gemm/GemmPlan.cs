namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// How one GEMM is cut up: C is split into RowParts × ColumnParts rectangles, one per thread; inside a part the
/// loops run over column blocks (NC), depth blocks (KC) and row blocks (MC) around the micro-kernel, and each
/// operand is either packed into panels or read in place.
/// <para>
/// Block sizes follow the cache levels: a KC × NR sliver of B (16 KiB) stays in L1 while the micro-kernel sweeps
/// the MC × KC block of A (≤ 192 KiB) held in L2; the KC × NC block of B (≤ 2 MiB) lives in L3. Each dimension is
/// divided into equal blocks (784 = 4 × 196, not 3 × 256 + 16), so no block is a sliver.
/// </para>
/// </summary>
/// <param name="RowParts">Parts along m.</param>
/// <param name="ColumnParts">Parts along n.</param>
/// <param name="RowsPerPart">Rows of C per part (a multiple of MR, the last part may be shorter).</param>
/// <param name="ColumnsPerPart">Columns of C per part (a multiple of NR, the last part may be shorter).</param>
/// <param name="DepthBlock">KC.</param>
/// <param name="RowBlock">MC, a multiple of MR.</param>
/// <param name="ColumnBlock">NC, a multiple of NR.</param>
/// <param name="PackA">Pack A into MR-row panels (else read it in place).</param>
/// <param name="PackB">Pack B into NR-column panels (else read it in place; only without transposeB).</param>
internal readonly record struct GemmPlan(int RowParts, int ColumnParts, int RowsPerPart, int ColumnsPerPart,
    int DepthBlock, int RowBlock, int ColumnBlock, bool PackA, bool PackB)
{
    /// <summary>Cycles a fork/join of the worker pool costs, roughly (wake-up plus the join's cache-line traffic).</summary>
    private const double SyncCycles = 4000;

    /// <summary>Cycles to pack one element when the source is contiguous along the panel width (a plain copy).</summary>
    private const double CopyCyclesPerElement = 0.3;

    /// <summary>Cycles to pack one element through the register transpose.</summary>
    private const double TransposeCyclesPerElement = 0.6;

    /// <summary>Number of parts.</summary>
    public int Parts => RowParts * ColumnParts;

    /// <summary>Chooses the split and the block sizes for one GEMM with the given kernel geometry.</summary>
    public static GemmPlan Create(int m, int n, int k, bool transposeA, bool transposeB, int threads,
        int tileRows, int tileColumns, int elementSize, int fusedMultiplyAddsPerCycle, bool supportsRowStridedA)
    {
        int depthBlock = EqualBlock(k, Math.Max(32, 16384 / (tileColumns * elementSize)), 1);
        int rowBlockLimit = Math.Max(tileRows, 196608 / (depthBlock * elementSize) / tileRows * tileRows);
        int columnBlockLimit = Math.Max(tileColumns, 2097152 / (depthBlock * elementSize) / tileColumns * tileColumns);

        GemmPlan best = default;
        double bestCost = double.MaxValue;
        for (int count = 1; count <= threads; count++)
        {
            for (int rowParts = 1; rowParts <= count; rowParts++)
            {
                if (count % rowParts != 0) continue;
                int columnParts = count / rowParts;
                int rowsPerPart = RoundUp(CeilingDivide(m, rowParts), tileRows);
                int columnsPerPart = RoundUp(CeilingDivide(n, columnParts), tileColumns);
                int actualRowParts = CeilingDivide(m, rowsPerPart), actualColumnParts = CeilingDivide(n, columnsPerPart);
                if (actualRowParts * actualColumnParts != count) continue; // the same split is counted with fewer threads

                int rowBlock = EqualBlock(Math.Min(rowsPerPart, m), rowBlockLimit, tileRows);
                int columnBlock = EqualBlock(Math.Min(columnsPerPart, n), columnBlockLimit, tileColumns);
                bool packA = ChoosePackA(transposeA, supportsRowStridedA, columnsPerPart, tileColumns);
                bool packB = ChoosePackB(transposeB, n, rowsPerPart, rowBlock, depthBlock, elementSize);

                // Cost of the slowest part in cycles: padded multiply-adds, packing, and the fork/join.
                double compute = (double)RoundUp(Math.Min(rowsPerPart, m), tileRows) * RoundUp(Math.Min(columnsPerPart, n), tileColumns)
                                 * k / fusedMultiplyAddsPerCycle;
                double pack = 0;
                if (packA) pack += (double)rowsPerPart * k * (CeilingDivide(Math.Min(columnsPerPart, n), columnBlock))
                                   * (transposeA ? CopyCyclesPerElement : TransposeCyclesPerElement);
                if (packB) pack += (double)columnsPerPart * k * (transposeB ? TransposeCyclesPerElement : CopyCyclesPerElement);
                double cost = compute + pack + (count > 1 ? SyncCycles : 0);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = new GemmPlan(actualRowParts, actualColumnParts, rowsPerPart, columnsPerPart,
                        depthBlock, rowBlock, columnBlock, packA, packB);
                }
            }
        }
        return best;
    }

    // A row-major A must be packed for kernels that cannot stride across rows. Otherwise packing pays for itself
    // only when the A block is swept by many B slivers (wide parts), where packed panels keep it dense in L2.
    private static bool ChoosePackA(bool transposeA, bool supportsRowStridedA, int columnsPerPart, int tileColumns)
        => (!transposeA && !supportsRowStridedA) || columnsPerPart >= 16 * tileColumns;

    // A transposed B has to be packed (the kernel loads B rows as vectors). A row-major B is read in place when it
    // is swept by a single A block and its row stride spreads a KC-long sliver over the L1 sets.
    private static bool ChoosePackB(bool transposeB, int n, int rowsPerPart, int rowBlock, int depthBlock, int elementSize)
        => transposeB || rowsPerPart > rowBlock || !SpreadsOverL1((long)n * elementSize, depthBlock);

    // True when depth rows at the given byte stride land in enough distinct L1 sets (64 sets × 8 ways of 64-byte
    // lines) to stay resident: a stride of a multiple of 512 bytes maps them onto a handful of sets.
    private static bool SpreadsOverL1(long strideBytes, int depth)
    {
        if (strideBytes % 64 != 0) return true;
        long lines = strideBytes / 64;
        long common = Gcd(lines, 64);
        return 64 / common * 8 >= 2 * depth;
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

    private static int CeilingDivide(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int granule) => CeilingDivide(x, granule) * granule;
}
