using System.Numerics;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// GEMM kernels, C = alpha · op(A) · op(B) + beta · C over row-major buffers (shape legend: C is m × n, op(A) m × k,
/// op(B) k × n).
/// <list type="bullet">
/// <item><see cref="Tiled{T}"/>: for GPUs. Each group of <see cref="ThreadsPerGroup"/> threads computes a
/// <see cref="TileSize"/> × <see cref="TileSize"/> block of C. It walks k in steps of <see cref="TileDepth"/>, staging a
/// 64 × 16 slab of op(A) and a 16 × 64 slab of op(B) in shared memory, so each global element is read once per block
/// instead of once per output; each thread keeps an 8 × 8 register block of C, so each shared element it reads feeds
/// eight multiply-adds.</item>
/// <item><see cref="Tiled128{T}"/> (GemmKernels.Tiled128.cs): the same scheme with 128 × 128 blocks, 256 threads, 8-deep
/// double-buffered slabs, warp-level tiling and vector loads, for products with enough 128 × 128 blocks to fill a GPU
/// (<see cref="IlgpuBackend.ChooseTiledGemm"/> picks between the two per shape).</item>
/// <item><see cref="PerElement{T}"/>: one dot product per output and no barriers, for ILGPU's CPU accelerator, which emulates
/// each GPU thread with an OS thread and pays milliseconds per group barrier.</item>
/// </list>
/// All sum each dot product in increasing k, so results are the same on every run. When a product has too few
/// 64 × 64 blocks of C to fill a GPU (the VAE's m = 128 shapes have 2–26), the tiled kernel splits k into ranges
/// (<see cref="GemmArguments{T}.Splits"/>) and the last group to finish each block of C adds the ranges' partial sums
/// in a fixed order (<see cref="FinishSplits{T}"/>; GemmKernels.SplitK.cs), so those results too are the same on every
/// run (and on every GPU: the split depends only on the shape).
/// </summary>
public static partial class GemmKernels
{
    /// <summary>Rows and columns of the block of C one group computes.</summary>
    public const int TileSize = 64;

    /// <summary>How much of k one shared-memory stage holds.</summary>
    public const int TileDepth = 16;

    /// <summary>Rows (and columns) of the register block each thread computes.</summary>
    public const int ThreadBlock = 8;

    /// <summary>Threads per side of a group: <see cref="TileSize"/> / <see cref="ThreadBlock"/>.</summary>
    public const int ThreadsPerSide = TileSize / ThreadBlock;

    /// <summary>Threads per group (64).</summary>
    public const int ThreadsPerGroup = ThreadsPerSide * ThreadsPerSide;

    /// <summary>Elements of one shared slab: <see cref="TileSize"/> · <see cref="TileDepth"/>.</summary>
    private const int SlabElements = TileSize * TileDepth;

    /// <summary>Elements each thread loads per slab.</summary>
    private const int LoadsPerThread = SlabElements / ThreadsPerGroup;

    /// <summary>
    /// The shared-memory tiled GEMM. Launch with a 1-D grid of splits · ⌈m/64⌉ · ⌈n/64⌉ groups of <see cref="ThreadsPerGroup"/>
    /// threads; with B = ⌈m/64⌉ · ⌈n/64⌉ blocks, group g computes block g mod B (block row (g mod B) / ⌈n/64⌉, block column
    /// (g mod B) mod ⌈n/64⌉) over k-range g / B. Any m, n, k (including 0) and every transpose combination work: loads
    /// outside the matrices read 0, stores outside C are skipped. With one split it writes C (and never reads
    /// <paramref name="partials"/>); with more, it writes its sums to partials[split · m · n + row · n + column], and the
    /// last group to finish each block adds them into C (<see cref="FinishSplits{T}"/>, counting in
    /// <paramref name="arrivals"/>) unless <see cref="SumSplits{T}"/> is launched to do it.
    /// </summary>
    public static void Tiled<T>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, ArrayView<T> partials, ArrayView<int> arrivals, GemmArguments<T> arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = arguments.M, n = arguments.N, k = arguments.K;
        int blocksPerRow = (n + TileSize - 1) / TileSize;
        int blocks = (m + TileSize - 1) / TileSize * blocksPerRow;
        int block = Grid.IdxX % blocks;
        int split = Grid.IdxX / blocks;
        int rowStart = block / blocksPerRow * TileSize;
        int columnStart = block % blocksPerRow * TileSize;
        int kBegin = split * arguments.DepthPerSplit;
        int kEnd = kBegin + arguments.DepthPerSplit < k ? kBegin + arguments.DepthPerSplit : k;
        int thread = Group.IdxX;
        int threadRow = thread / ThreadsPerSide;
        int threadColumn = thread % ThreadsPerSide;

        // Slabs stored k-major: slabA[kk · 64 + r] = op(A)[rowStart + r, kStart + kk], slabB[kk · 64 + j] = op(B)[kStart + kk, columnStart + j],
        // so the inner loop reads both with the thread's row/column as the fast index.
        var slabA = SharedMemory.Allocate<T>(SlabElements);
        var slabB = SharedMemory.Allocate<T>(SlabElements);
        var arrival = SharedMemory.Allocate<int>(1);

        // Thread (threadRow, threadColumn) owns C rows rowStart + threadRow + 8i and columns columnStart + threadColumn + 8j
        // (i, j < 8): interleaved rather than contiguous so that neighbouring threads read neighbouring shared
        // addresses and write neighbouring C elements. Row i of that 8 × 8 block is accumulator i.
        RegisterRow<T> c0 = RegisterRow<T>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;

        for (int kStart = kBegin; kStart < kEnd; kStart += TileDepth)
        {
            for (int load = 0; load < LoadsPerThread; load++)
            {
                int element = thread + load * ThreadsPerGroup;
                StageA(a, slabA, element, rowStart, kStart, m, k, kEnd, arguments.TransposeA != 0);
                StageB(b, slabB, element, columnStart, kStart, n, k, kEnd, arguments.TransposeB != 0);
            }
            Group.Barrier();

            for (int kk = 0; kk < TileDepth; kk++)
            {
                // One rank-1 update of the 8 × 8 block: C[i, j] += op(A)[i, kk] · op(B)[kk, j].
                RegisterRow<T> fragmentA = RegisterRow<T>.Load(slabA, kk * TileSize + threadRow, ThreadsPerSide);
                RegisterRow<T> fragmentB = RegisterRow<T>.Load(slabB, kk * TileSize + threadColumn, ThreadsPerSide);
                c0 = c0.MultiplyAdd(fragmentA.X0, fragmentB);
                c1 = c1.MultiplyAdd(fragmentA.X1, fragmentB);
                c2 = c2.MultiplyAdd(fragmentA.X2, fragmentB);
                c3 = c3.MultiplyAdd(fragmentA.X3, fragmentB);
                c4 = c4.MultiplyAdd(fragmentA.X4, fragmentB);
                c5 = c5.MultiplyAdd(fragmentA.X5, fragmentB);
                c6 = c6.MultiplyAdd(fragmentA.X6, fragmentB);
                c7 = c7.MultiplyAdd(fragmentA.X7, fragmentB);
            }
            Group.Barrier();
        }

        int firstRow = rowStart + threadRow, firstColumn = columnStart + threadColumn;
        ArrayView<T> target = c;
        GemmArguments<T> store = arguments;
        if (arguments.Splits > 1)
        {
            // Raw sums of this k-range into its slice of partials; FinishSplits (or SumSplits) scales and adds them.
            target = partials.SubView((long)split * m * n, (long)m * n);
            store = new GemmArguments<T>(m, n, k, false, false, T.One, T.Zero);
        }
        StoreRow(target, c0, firstRow, firstColumn, store);
        StoreRow(target, c1, firstRow + ThreadsPerSide, firstColumn, store);
        StoreRow(target, c2, firstRow + 2 * ThreadsPerSide, firstColumn, store);
        StoreRow(target, c3, firstRow + 3 * ThreadsPerSide, firstColumn, store);
        StoreRow(target, c4, firstRow + 4 * ThreadsPerSide, firstColumn, store);
        StoreRow(target, c5, firstRow + 5 * ThreadsPerSide, firstColumn, store);
        StoreRow(target, c6, firstRow + 6 * ThreadsPerSide, firstColumn, store);
        StoreRow(target, c7, firstRow + 7 * ThreadsPerSide, firstColumn, store);
        if (arguments.Splits > 1 && arguments.SumSplitsInKernel != 0)
            FinishSplits(partials, c, arrivals, arrival, block, rowStart, columnStart, TileSize, arguments);
    }

    /// <summary>
    /// C[row, firstColumn + 8j] = alpha · sums[j] + beta · C[…] for j &lt; 8, skipping columns ≥ n and rows ≥ m.
    /// With beta = 0, C is not read, so NaNs in an uninitialised C do not propagate (BLAS semantics).
    /// </summary>
    private static void StoreRow<T>(ArrayView<T> c, RegisterRow<T> sums, int row, int firstColumn, GemmArguments<T> arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row >= arguments.M) return;
        for (int j = 0; j < ThreadBlock; j++)
        {
            int column = firstColumn + j * ThreadsPerSide;
            if (column >= arguments.N) return;
            int index = row * arguments.N + column;
            T product = arguments.Alpha * sums.Get(j);
            c[index] = arguments.Beta == T.Zero ? product : product + arguments.Beta * c[index];
        }
    }

    /// <summary>
    /// Copies op(A)[rowStart + r, kStart + kk] into slabA[kk · 64 + r] (0 at or beyond depth <paramref name="kEnd"/>) for slab element number <paramref name="element"/>,
    /// choosing (r, kk) so that consecutive threads read consecutive global addresses in either storage order.
    /// </summary>
    private static void StageA<T>(ArrayView<T> a, ArrayView<T> slabA, int element, int rowStart, int kStart, int m, int k, int kEnd, bool transposed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r, kk;
        if (transposed)
        {
            // A stored k × m: contiguous along m.
            kk = element / TileSize;
            r = element % TileSize;
        }
        else
        {
            // A stored m × k: contiguous along k.
            r = element / TileDepth;
            kk = element % TileDepth;
        }
        int row = rowStart + r, depth = kStart + kk;
        T value = T.Zero;
        if (row < m && depth < kEnd) value = transposed ? a[depth * m + row] : a[row * k + depth];
        slabA[kk * TileSize + r] = value;
    }

    /// <summary>Copies op(B)[kStart + kk, columnStart + j] (0 at or beyond <paramref name="kEnd"/>) into slabB[kk · 64 + j], coalesced as in <see cref="StageA{T}"/>.</summary>
    private static void StageB<T>(ArrayView<T> b, ArrayView<T> slabB, int element, int columnStart, int kStart, int n, int k, int kEnd, bool transposed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j, kk;
        if (transposed)
        {
            // B stored n × k: contiguous along k.
            j = element / TileDepth;
            kk = element % TileDepth;
        }
        else
        {
            // B stored k × n: contiguous along n.
            kk = element / TileSize;
            j = element % TileSize;
        }
        int column = columnStart + j, depth = kStart + kk;
        T value = T.Zero;
        if (column < n && depth < kEnd) value = transposed ? b[column * k + depth] : b[depth * n + column];
        slabB[kk * TileSize + j] = value;
    }

    /// <summary>
    /// One thread per output, grid-stride: thread t computes outputs t, t + stride, … of the m · n outputs of C, each as
    /// a dot product over k in increasing order. No shared memory, no barriers.
    /// </summary>
    public static void PerElement<T>(Index1D thread, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmArguments<T> arguments, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = arguments.M, n = arguments.N, k = arguments.K;
        bool transposeA = arguments.TransposeA != 0, transposeB = arguments.TransposeB != 0;
        // Element steps along one row of op(A) and one column of op(B).
        int stepA = transposeA ? m : 1;
        int stepB = transposeB ? 1 : n;
        long count = (long)m * n;
        for (long index = thread; index < count; index += stride)
        {
            int row = (int)(index / n), column = (int)(index % n);
            int positionA = transposeA ? row : row * k;
            int positionB = transposeB ? column * k : column;
            T sum = T.Zero;
            for (int depth = 0; depth < k; depth++)
            {
                sum += a[positionA] * b[positionB];
                positionA += stepA;
                positionB += stepB;
            }
            T product = arguments.Alpha * sum;
            c[index] = arguments.Beta == T.Zero ? product : product + arguments.Beta * c[index];
        }
    }
}
