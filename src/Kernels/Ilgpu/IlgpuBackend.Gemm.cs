using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace ScratchVae.Kernels.Ilgpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void Gemm<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Gemm";
        ArgumentChecks.Size(primitive, nameof(m), m);
        ArgumentChecks.Size(primitive, nameof(n), n);
        ArgumentChecks.Size(primitive, nameof(k), k);
        ArgumentChecks.Buffer(this, primitive, nameof(a), a, (long)m * k);
        ArgumentChecks.Buffer(this, primitive, nameof(b), b, (long)k * n);
        ArgumentChecks.Buffer(this, primitive, nameof(c), c, (long)m * n);
        if (m == 0 || n == 0) return;

        // k = 0 needs no special case: every dot product is empty, so C = beta · C (or 0 when beta = 0).
        var arguments = new GemmArguments<T>(m, n, k, transposeA, transposeB, alpha, beta);
        GemmStrategy kernel = GemmStrategy switch
        {
            GemmStrategy.Automatic when IsCpuEmulator => GemmStrategy.PerElement,
            GemmStrategy.Automatic => ChooseTiledGemm(m, n, k).Kernel,
            var chosen => chosen,
        };
        if (kernel == GemmStrategy.Tiled && !CanRunTiledGemm)
            throw new NotSupportedException($"{Name}: the tiled GEMM needs {GemmKernels.ThreadsPerGroup} threads per group and 16 KiB of shared memory, which {Description} lacks.");
        if (kernel == GemmStrategy.Tiled128 && !CanRunTiled128Gemm)
        {
            // A device without 256-thread groups still gets a tiled kernel when the rule chose the wide one (at those
            // shapes its bits then differ from a GPU's, as the two kernels split k differently).
            if (GemmStrategy == GemmStrategy.Tiled128 || !CanRunTiledGemm)
                throw new NotSupportedException($"{Name}: the 128 × 128 tiled GEMM needs {GemmKernels.WideThreadsPerGroup} threads per group and 33 KiB of shared memory, which {Description} lacks.");
            kernel = GemmStrategy.Tiled;
        }

        if (kernel == GemmStrategy.PerElement)
        {
            int threads = Threads((long)m * n);
            var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>, int>>(KernelCatalogue.GemmPerElement);
            launch(_stream, threads, Own(a).View, Own(b).View, Own(c).View, arguments, threads);
            return;
        }

        bool wide = kernel == GemmStrategy.Tiled128;
        long blocks = GemmBlocks(m, n, wide ? GemmKernels.WideTileSize : GemmKernels.TileSize);
        var (splits, depthPerSplit) = GemmSplitK ? GemmSplit(blocks, k) : (1, k);
        // A split product's partial sums are added by the last group of each block to finish (one launch), or by
        // SumSplits after the tiled kernel when GemmSumSplitsInKernel is off; the bits are the same.
        bool sumInKernel = splits > 1 && GemmSumSplitsInKernel;
        arguments = new GemmArguments<T>(m, n, k, transposeA, transposeB, alpha, beta, splits, depthPerSplit, sumInKernel);
        ArrayView<T> partials = splits > 1 ? Scratch<T>(checked(splits * m * n)) : Own(c).View;
        ArrayView<int> arrivals = Arrivals(sumInKernel ? (int)blocks : 1);
        var tiled = Launcher<T, Action<AcceleratorStream, KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, GemmArguments<T>>>(
            wide ? KernelCatalogue.GemmTiled128 : KernelCatalogue.GemmTiled);
        var config = new KernelConfig((int)(blocks * splits), wide ? GemmKernels.WideThreadsPerGroup : GemmKernels.ThreadsPerGroup);
        tiled(_stream, config, Own(a).View, Own(b).View, Own(c).View, partials, arrivals, arguments);
        if (splits > 1 && !sumInKernel)
        {
            int threads = Threads((long)m * n);
            var sum = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, GemmArguments<T>, int>>(KernelCatalogue.GemmSumSplits);
            sum(_stream, threads, partials, Own(c).View, arguments, threads);
        }
    }

    /// <summary>
    /// The multiprocessors of the GPU the tiled-GEMM rules are written for, an H100 SXM's 132. A constant, not the
    /// device's count, so that the kernel and the k-split, and so the bits of C, depend only on the shape.
    /// </summary>
    public const int GemmMultiprocessors = 132;

    /// <summary>Groups a tiled GEMM aims for: two per multiprocessor on a 132-SM H100 (both tiled kernels fit at least
    /// two groups per SM; see perf-notes.md).</summary>
    public const int GemmTargetGroups = 2 * GemmMultiprocessors;

    /// <summary>The least depth a k-range gets (four 16-deep stages), so that partial sums are worth their traffic.</summary>
    public const int GemmMinimumSplitDepth = 64;

    /// <summary>
    /// The rule that picks the tiled kernel for a shape, and its k-split: <see cref="GemmKernels.Tiled128{T}"/> when its
    /// 128 × 128 blocks of C, split over k as <see cref="GemmSplit(long, int)"/> splits them, give at least
    /// <see cref="GemmMultiprocessors"/> groups (every SM gets 8 warps); otherwise <see cref="GemmKernels.Tiled{T}"/>.
    /// <para>
    /// Why: both kernels give each thread an 8 × 8 block, so the same product costs the same multiply-adds per thread
    /// either way; what differs is how many SMs share them. A 128 × 128 group is four 64 × 64 groups' work in one
    /// group of 8 warps. With fewer 128-groups than SMs, some SMs idle while others hold 8 warps, so the 64 × 64
    /// kernel, whose four times as many groups of 2 warps spread over every SM, finishes first unless the wide
    /// kernel's cheaper inner loop (one 16-byte shared read per 16 multiply-adds instead of one 4-byte read per 8,
    /// vector global loads, double buffering) more than pays for the idle SMs. Once every SM has a wide group, the
    /// wide kernel does the same work with a quarter of the shared-memory reads and more warps per SM to hide
    /// latency. E.g. 1024³: 64 blocks × 4 ranges of 256 = 256 groups (one wave at 2 per SM) → 128 × 128.
    /// 128x400x784: 4 blocks × 13 ranges = 52 groups → 64 × 64 (14 blocks × 13 = 182 groups). 400x784x128:TN:
    /// 28 blocks × 2 = 56 → 64 × 64. 512³: 16 × 8 = 128 → 64 × 64 (64 × 4 = 256). Every VAE shape gets the 64 × 64 kernel.
    /// </para>
    /// The threshold is a prediction, not a measurement (no GPU has run the wide kernel yet); bench/cuda-report.sh
    /// measures both kernels at every shape (<see cref="GemmStrategy.Tiled"/>, <see cref="GemmStrategy.Tiled128"/>).
    /// </summary>
    public static (GemmStrategy Kernel, int Splits, int DepthPerSplit) ChooseTiledGemm(int m, int n, int k)
    {
        long wideBlocks = GemmBlocks(m, n, GemmKernels.WideTileSize);
        var (wideSplits, wideDepth) = GemmSplit(wideBlocks, k);
        if (wideBlocks * wideSplits >= GemmMultiprocessors) return (GemmStrategy.Tiled128, wideSplits, wideDepth);
        var (splits, depth) = GemmSplit(m, n, k);
        return (GemmStrategy.Tiled, splits, depth);
    }

    /// <summary>
    /// How many k-ranges the 64 × 64 tiled GEMM (<see cref="GemmKernels.Tiled{T}"/>) uses for this shape, and their
    /// depth; see <see cref="GemmSplit(long, int)"/>. E.g. 128x400x784 (14 blocks): 13 ranges of 64; 128x20x400
    /// (2 blocks): 7 ranges of 64; 1024³ (256 blocks): one.
    /// </summary>
    public static (int Splits, int DepthPerSplit) GemmSplit(int m, int n, int k) => GemmSplit(GemmBlocks(m, n, GemmKernels.TileSize), k);

    /// <summary>
    /// How many k-ranges a tiled GEMM with <paramref name="blocks"/> blocks of C uses, and their depth: one when the
    /// blocks alone give more than half of <see cref="GemmTargetGroups"/> or k is short; otherwise enough ranges of at
    /// least <see cref="GemmMinimumSplitDepth"/> (a multiple of 16, so of both kernels' slab depths) to approach the
    /// target. The ranges are summed in increasing order by <see cref="GemmKernels.SumSplits{T}"/>.
    /// </summary>
    public static (int Splits, int DepthPerSplit) GemmSplit(long blocks, int k)
    {
        if (blocks * 2 > GemmTargetGroups || k < 2 * GemmMinimumSplitDepth) return (1, k);
        int wanted = (int)Math.Min(GemmTargetGroups / blocks, (k + GemmMinimumSplitDepth - 1) / GemmMinimumSplitDepth);
        int depth = (k + wanted - 1) / wanted;
        depth = (depth + GemmKernels.TileDepth - 1) / GemmKernels.TileDepth * GemmKernels.TileDepth;
        int splits = (k + depth - 1) / depth;
        return splits > 1 ? (splits, depth) : (1, k);
    }

    /// <summary>The <paramref name="tileSize"/>-square blocks of an m × n C, one tiled-GEMM group each (per k-range).</summary>
    private static long GemmBlocks(int m, int n, int tileSize) =>
        (long)((m + tileSize - 1) / tileSize) * ((n + tileSize - 1) / tileSize);
}
