using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

public static partial class GemmKernels
{
    /// <summary>Rows and columns of the block of C one group of <see cref="Tiled128{T}"/> computes.</summary>
    public const int WideTileSize = 128;

    /// <summary>How much of k one shared-memory stage of <see cref="Tiled128{T}"/> holds.</summary>
    public const int WideTileDepth = 8;

    /// <summary>Threads per group of <see cref="Tiled128{T}"/>: 8 warps of 32, each thread an 8 × 8 block of C.</summary>
    public const int WideThreadsPerGroup = 256;

    /// <summary>Elements between consecutive k-rows of a shared slab: 128 plus 4 of padding (see <see cref="Tiled128{T}"/>).</summary>
    private const int WideSlabStride = WideTileSize + 4;

    /// <summary>Elements of one stage of one operand's slab: 8 k-rows of <see cref="WideSlabStride"/>.</summary>
    private const int WideStageElements = WideTileDepth * WideSlabStride;

    /// <summary>Shared memory <see cref="Tiled128{T}"/> needs, in elements: two stages of A and two of B.</summary>
    public const int WideSharedElements = 4 * WideStageElements;

    /// <summary>
    /// The 128 × 128 tiled GEMM (see <see cref="GemmKernels"/> for C = alpha · op(A) · op(B) + beta · C). Launch with a
    /// 1-D grid of splits · ⌈m/128⌉ · ⌈n/128⌉ groups of <see cref="WideThreadsPerGroup"/> threads; group g computes block
    /// g mod B over k-range g / B, as <see cref="Tiled{T}"/> does with its 64 × 64 blocks, and writes C or its slice of
    /// <paramref name="partials"/> the same way (with the same in-kernel sum of the slices, <see cref="FinishSplits{T}"/>). The operand views must start at their allocation (the backend passes
    /// whole buffers), which GPU allocators align to ≥ 256 bytes, so that a quad of four elements whose index is a
    /// multiple of 4 is 16-byte (float) or 32-byte (double) aligned.
    /// <para>
    /// Layout. Warp w (of 8) owns the 32 × 64 sub-tile at rows 32 · (w / 2), columns 64 · (w mod 2); lane l owns, within
    /// it, rows 4 · (l / 8) + {0–3, 16–19} and columns 4 · (l mod 8) + {0–3, 32–35}. Per k step a lane reads two quads
    /// of the A slab and two of the B slab: the 32 lanes of a warp read 4 distinct A quads (8 lanes share each, a
    /// broadcast) and 8 distinct, consecutive B quads (128 bytes), so no read of shared memory conflicts, and each
    /// 16 bytes read feed 16 multiply-adds (the 64 × 64 kernel reads 4 bytes for 8).
    /// </para>
    /// <para>
    /// Loads. A slab is 8 k-rows of 128 (k-major, so the compute loop reads along the thread's rows or columns). Each
    /// thread loads one quad of A and one of B per slab: four elements contiguous in memory (along m or n when the
    /// operand's rows run that way, else along k), as one vector load when the operand's leading dimension is a
    /// multiple of 4 and the quad lies wholly inside the matrix and the k-range, else as four scalar loads that read 0
    /// outside. A quad along m or n goes to shared memory as one vector store; a quad along k as four scalar stores
    /// into four k-rows, which the padding of 4 elements per k-row keeps free of bank conflicts (the two threads that
    /// share a row write 16 banks apart).
    /// </para>
    /// <para>
    /// Pipeline. Two stages per operand: while the group computes slab s from stage s mod 2, each thread holds slab
    /// s + 1's quads in registers (loaded before the compute, so the global latency overlaps it) and writes them to
    /// the other stage after; one barrier per slab then makes slab s + 1 visible and frees stage s for slab s + 2.
    /// </para>
    /// <para>
    /// Order. Each C element's accumulator adds its products in increasing k over the group's k-range, one rank-1
    /// update per k; nothing depends on timing or on the GPU, so the bits are the same on every run. (They are not the
    /// bits of <see cref="Tiled{T}"/> when the two split k differently.)
    /// </para>
    /// </summary>
    public static void Tiled128<T>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, ArrayView<T> partials, ArrayView<int> arrivals, GemmArguments<T> arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = arguments.M, n = arguments.N, k = arguments.K;
        bool transposeA = arguments.TransposeA != 0, transposeB = arguments.TransposeB != 0;
        int blocksPerRow = (n + WideTileSize - 1) / WideTileSize;
        int blocks = (m + WideTileSize - 1) / WideTileSize * blocksPerRow;
        int block = Grid.IdxX % blocks;
        int split = Grid.IdxX / blocks;
        int rowStart = block / blocksPerRow * WideTileSize;
        int columnStart = block % blocksPerRow * WideTileSize;
        int kBegin = split * arguments.DepthPerSplit;
        int kEnd = kBegin + arguments.DepthPerSplit < k ? kBegin + arguments.DepthPerSplit : k;
        int thread = Group.IdxX;
        int warp = thread / 32, lane = thread % 32;
        int rowBase = warp / 2 * 32 + lane / 8 * 4;
        int columnBase = warp % 2 * 64 + lane % 8 * 4;

        // A quad's leading dimension must be a multiple of 4 for its start to be aligned.
        bool vectorA = (transposeA ? m : k) % 4 == 0;
        bool vectorB = (transposeB ? k : n) % 4 == 0;
        ArrayView<RegisterQuad<T>> quadsA = a.Cast<RegisterQuad<T>>();
        ArrayView<RegisterQuad<T>> quadsB = b.Cast<RegisterQuad<T>>();

        var slabA = SharedMemory.Allocate<RegisterQuad<T>>(2 * WideStageElements / 4);
        var slabB = SharedMemory.Allocate<RegisterQuad<T>>(2 * WideStageElements / 4);
        ArrayView<T> slabAElements = slabA.Cast<T>(), slabBElements = slabB.Cast<T>();
        var arrival = SharedMemory.Allocate<int>(1);

        // Which quad this thread loads per slab. Along m (A stored k × m) or n (B stored k × n): k-row thread / 32,
        // quad thread mod 32 of the 128. Along k: row (or column) thread / 2, k-quad thread mod 2 of the 8.
        int loadRowA = transposeA ? thread % 32 * 4 : thread / 2;
        int loadDepthA = transposeA ? thread / 32 : thread % 2 * 4;
        int loadColumnB = transposeB ? thread / 2 : thread % 32 * 4;
        int loadDepthB = transposeB ? thread % 2 * 4 : thread / 32;

        RegisterRow<T> c0 = RegisterRow<T>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int slabs = kEnd > kBegin ? (kEnd - kBegin + WideTileDepth - 1) / WideTileDepth : 0;
        if (slabs > 0)
        {
            var nextA = LoadQuadA(a, quadsA, rowStart + loadRowA, kBegin + loadDepthA, m, k, kEnd, transposeA, vectorA);
            var nextB = LoadQuadB(b, quadsB, columnStart + loadColumnB, kBegin + loadDepthB, n, k, kEnd, transposeB, vectorB);
            StoreQuad(slabA, slabAElements, 0, nextA, loadRowA, loadDepthA, transposeA);
            StoreQuad(slabB, slabBElements, 0, nextB, loadColumnB, loadDepthB, !transposeB);
            Group.Barrier();
        }
        for (int slab = 0; slab < slabs; slab++)
        {
            int stage = slab % 2;
            bool more = slab + 1 < slabs;
            RegisterQuad<T> nextA = RegisterQuad<T>.Zero, nextB = RegisterQuad<T>.Zero;
            if (more)
            {
                int kNext = kBegin + (slab + 1) * WideTileDepth;
                nextA = LoadQuadA(a, quadsA, rowStart + loadRowA, kNext + loadDepthA, m, k, kEnd, transposeA, vectorA);
                nextB = LoadQuadB(b, quadsB, columnStart + loadColumnB, kNext + loadDepthB, n, k, kEnd, transposeB, vectorB);
            }

            int quadA = (stage * WideStageElements + rowBase) / 4, quadB = (stage * WideStageElements + columnBase) / 4;
            for (int kk = 0; kk < WideTileDepth; kk++)
            {
                // One rank-1 update of the 8 × 8 block: C[i, j] += op(A)[i, kk] · op(B)[kk, j].
                RegisterQuad<T> lowA = slabA[quadA], highA = slabA[quadA + 4];
                RegisterRow<T> fragmentB = RegisterQuad<T>.Join(slabB[quadB], slabB[quadB + 8]);
                c0 = c0.MultiplyAdd(lowA.X0, fragmentB);
                c1 = c1.MultiplyAdd(lowA.X1, fragmentB);
                c2 = c2.MultiplyAdd(lowA.X2, fragmentB);
                c3 = c3.MultiplyAdd(lowA.X3, fragmentB);
                c4 = c4.MultiplyAdd(highA.X0, fragmentB);
                c5 = c5.MultiplyAdd(highA.X1, fragmentB);
                c6 = c6.MultiplyAdd(highA.X2, fragmentB);
                c7 = c7.MultiplyAdd(highA.X3, fragmentB);
                quadA += WideSlabStride / 4;
                quadB += WideSlabStride / 4;
            }

            if (more)
            {
                int nextStage = (1 - stage) * WideStageElements;
                StoreQuad(slabA, slabAElements, nextStage, nextA, loadRowA, loadDepthA, transposeA);
                StoreQuad(slabB, slabBElements, nextStage, nextB, loadColumnB, loadDepthB, !transposeB);
            }
            Group.Barrier();
        }

        ArrayView<T> target = c;
        GemmArguments<T> store = arguments;
        if (arguments.Splits > 1)
        {
            // Raw sums of this k-range into its slice of partials; FinishSplits (or SumSplits) scales and adds them.
            target = partials.SubView((long)split * m * n, (long)m * n);
            store = new GemmArguments<T>(m, n, k, false, false, T.One, T.Zero);
        }
        int firstRow = rowStart + rowBase, firstColumn = columnStart + columnBase;
        StoreWideRow(target, c0, firstRow, firstColumn, store);
        StoreWideRow(target, c1, firstRow + 1, firstColumn, store);
        StoreWideRow(target, c2, firstRow + 2, firstColumn, store);
        StoreWideRow(target, c3, firstRow + 3, firstColumn, store);
        StoreWideRow(target, c4, firstRow + 16, firstColumn, store);
        StoreWideRow(target, c5, firstRow + 17, firstColumn, store);
        StoreWideRow(target, c6, firstRow + 18, firstColumn, store);
        StoreWideRow(target, c7, firstRow + 19, firstColumn, store);
        if (arguments.Splits > 1 && arguments.SumSplitsInKernel != 0)
            FinishSplits(partials, c, arrivals, arrival, block, rowStart, columnStart, WideTileSize, arguments);
    }

    /// <summary>
    /// op(A)[row + e, depth] for e &lt; 4 when A is stored k × m (contiguous along m), else op(A)[row, depth + e]; 0 outside
    /// the m rows or at or beyond <paramref name="kEnd"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RegisterQuad<T> LoadQuadA<T>(ArrayView<T> a, ArrayView<RegisterQuad<T>> quadsA, int row, int depth, int m, int k, int kEnd, bool transposed, bool vector)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (transposed)
            return depth < kEnd ? LoadRun(a, quadsA, (long)depth * m + row, m - row, vector) : RegisterQuad<T>.Zero;
        return row < m ? LoadRun(a, quadsA, (long)row * k + depth, kEnd - depth, vector) : RegisterQuad<T>.Zero;
    }

    /// <summary>
    /// op(B)[depth, column + e] for e &lt; 4 when B is stored k × n (contiguous along n), else op(B)[depth + e, column];
    /// 0 outside the n columns or at or beyond <paramref name="kEnd"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RegisterQuad<T> LoadQuadB<T>(ArrayView<T> b, ArrayView<RegisterQuad<T>> quadsB, int column, int depth, int n, int k, int kEnd, bool transposed, bool vector)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (transposed)
            return column < n ? LoadRun(b, quadsB, (long)column * k + depth, kEnd - depth, vector) : RegisterQuad<T>.Zero;
        return depth < kEnd ? LoadRun(b, quadsB, (long)depth * n + column, n - column, vector) : RegisterQuad<T>.Zero;
    }

    /// <summary>
    /// source[start + e] for e &lt; min(4, <paramref name="available"/>), 0 beyond: one vector load when all four exist
    /// and <paramref name="vector"/> says start is a multiple of 4, else scalar loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RegisterQuad<T> LoadRun<T>(ArrayView<T> source, ArrayView<RegisterQuad<T>> quads, long start, int available, bool vector)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (vector && available >= 4) return quads[start / 4];
        RegisterQuad<T> value = RegisterQuad<T>.Zero;
        if (available > 0) value.X0 = source[start];
        if (available > 1) value.X1 = source[start + 1];
        if (available > 2) value.X2 = source[start + 2];
        if (available > 3) value.X3 = source[start + 3];
        return value;
    }

    /// <summary>
    /// Writes a loaded quad into a stage (at element <paramref name="stageOffset"/>) of a k-major slab:
    /// along the tile (<paramref name="alongTile"/>: elements (index + e, depth)) as one quad, or along k (elements
    /// (index, depth + e)) into four k-rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreQuad<T>(ArrayView<RegisterQuad<T>> slab, ArrayView<T> slabElements, int stageOffset, RegisterQuad<T> value, int index, int depth, bool alongTile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int position = stageOffset + depth * WideSlabStride + index;
        if (alongTile)
        {
            slab[position / 4] = value;
            return;
        }
        slabElements[position] = value.X0;
        slabElements[position + WideSlabStride] = value.X1;
        slabElements[position + 2 * WideSlabStride] = value.X2;
        slabElements[position + 3 * WideSlabStride] = value.X3;
    }

    /// <summary>
    /// C[row, firstColumn + j] and C[row, firstColumn + 32 + j] (j &lt; 4) = alpha · sums + beta · C, skipping rows ≥ m and
    /// columns ≥ n; C is not read when beta = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWideRow<T>(ArrayView<T> c, RegisterRow<T> sums, int row, int firstColumn, GemmArguments<T> arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row >= arguments.M) return;
        for (int j = 0; j < ThreadBlock; j++)
        {
            int column = firstColumn + (j < 4 ? j : 28 + j);
            if (column >= arguments.N) return;
            long index = (long)row * arguments.N + column;
            T product = arguments.Alpha * sums.Get(j);
            c[index] = arguments.Beta == T.Zero ? product : product + arguments.Beta * c[index];
        }
    }
}
