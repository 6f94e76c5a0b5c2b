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
            long groups = (long)((m + GemmKernels.TileSize - 1) / GemmKernels.TileSize) * ((n + GemmKernels.TileSize - 1) / GemmKernels.TileSize);
            var launch = Launcher<T, Action<AcceleratorStream, KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>>(KernelCatalogue.GemmTiled);
            launch(_stream, new KernelConfig((int)groups, GemmKernels.ThreadsPerGroup), Own(a).View, Own(b).View, Own(c).View, arguments);
        }
        else
        {
            int threads = Threads((long)m * n);
            var launch = Launcher<T, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>, int>>(KernelCatalogue.GemmPerElement);
            launch(_stream, threads, Own(a).View, Own(b).View, Own(c).View, arguments, threads);
        }
    }
}
