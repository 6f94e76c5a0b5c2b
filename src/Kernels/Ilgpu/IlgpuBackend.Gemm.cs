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
        bool tiled = GemmStrategy switch
        {
            GemmStrategy.Tiled => true,
            GemmStrategy.PerElement => false,
            _ => !IsCpuEmulator,
        };
        if (tiled && !CanRunTiledGemm)
            throw new NotSupportedException($"{Name}: the tiled GEMM needs {GemmKernels.ThreadsPerGroup} threads per group and 16 KiB of shared memory, which {Description} lacks.");

        if (tiled)
        {
            long blocks = GemmBlocks(m, n);
            var (splits, depthPerSplit) = GemmSplitK ? GemmSplit(m, n, k) : (1, k);
            arguments = new GemmArguments<T>(m, n, k, transposeA, transposeB, alpha, beta, splits, depthPerSplit);
            ArrayView<T> partials = splits > 1 ? Scratch<T>(checked(splits * m * n)) : Own(c).View;
            var launch = Launcher<T, Action<AcceleratorStream, KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>>(KernelCatalogue.GemmTiled);
            launch(_stream, new KernelConfig((int)(blocks * splits), GemmKernels.ThreadsPerGroup), Own(a).View, Own(b).View, Own(c).View, partials, arguments);
            if (splits > 1)
            {
                int threads = Threads((long)m * n);
                var sum = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, GemmArguments<T>, int>>(KernelCatalogue.GemmSumSplits);
                sum(_stream, threads, partials, Own(c).View, arguments, threads);
            }
        }
        else
        {
            int threads = Threads((long)m * n);
            var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>, int>>(KernelCatalogue.GemmPerElement);
            launch(_stream, threads, Own(a).View, Own(b).View, Own(c).View, arguments, threads);
        }
    }

    /// <summary>Groups the tiled GEMM aims for: two per multiprocessor on a 132-SM H100. A constant, not the device's
    /// count, so that the k-split, and so the bits of C, depend only on the shape.</summary>
    public const int GemmTargetGroups = 264;

    /// <summary>The least depth a k-range gets (four 16-deep stages), so that partial sums are worth their traffic.</summary>
    public const int GemmMinimumSplitDepth = 64;

    /// <summary>
    /// How many k-ranges a tiled GEMM of this shape uses, and their depth: one when the 64 × 64 blocks of C alone give
    /// <see cref="GemmTargetGroups"/> groups or k is short; otherwise enough ranges of at least
    /// <see cref="GemmMinimumSplitDepth"/> (a multiple of 16) to approach the target. E.g. 128x400x784 (14 blocks):
    /// 13 ranges of 64; 128x20x400 (2 blocks): 7 ranges of 64; 1024³ (256 blocks): one.
    /// </summary>
    public static (int Splits, int DepthPerSplit) GemmSplit(int m, int n, int k)
    {
        long blocks = GemmBlocks(m, n);
        if (blocks * 2 > GemmTargetGroups || k < 2 * GemmMinimumSplitDepth) return (1, k);
        int wanted = (int)Math.Min(GemmTargetGroups / blocks, (k + GemmMinimumSplitDepth - 1) / GemmMinimumSplitDepth);
        int depth = (k + wanted - 1) / wanted;
        depth = (depth + GemmKernels.TileDepth - 1) / GemmKernels.TileDepth * GemmKernels.TileDepth;
        int splits = (k + depth - 1) / depth;
        return splits > 1 ? (splits, depth) : (1, k);
    }

    /// <summary>The 64 × 64 blocks of an m × n C, one tiled-GEMM group each (per k-range).</summary>
    private static long GemmBlocks(int m, int n) =>
        (long)((m + GemmKernels.TileSize - 1) / GemmKernels.TileSize) * ((n + GemmKernels.TileSize - 1) / GemmKernels.TileSize);
}
