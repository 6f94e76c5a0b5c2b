using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// double micro-kernel for 512-bit vectors: a 16 × 8 tile of C in 16 Vector512 accumulators (one vector of B per
/// depth step, 16 broadcasts of A). This is the tile shape a probe on an AVX-512 Zen 4 measured at about 90% of peak
/// for float: 16 accumulators leave half of the 32 zmm registers free, and each broadcast can fold into its FMA as
/// an embedded-broadcast memory operand. A must have unit row stride (a packed panel, or an unpacked transposed A).
/// </summary>
internal readonly unsafe struct DoubleKernel512 : IMicroKernel<double>
{
    /// <inheritdoc />
    public static int Rows => 16;

    /// <inheritdoc />
    public static int Columns => 8;

    /// <inheritdoc />
    public static GemmCostModel CostModel { get; } = GemmCostModel.For(MachineProperties.Current, 512, sizeof(double));

    /// <inheritdoc />
    public static bool SupportsRowStridedA => false;

    /// <inheritdoc />
    [MethodImpl(HotLoop.Options)]
    public static void Run(int depth, double* a, nint aRowStride, nint aDepthStride, double* b, nint bDepthStride,
        double alpha, double beta, double* c, nint cRowStride, int rows, int columns)
    {
        double* tile = rows == 16 && columns == 8 ? null : TileUpdate.Scratch<double>(); // before the loop: see TileUpdate.Scratch
        Vector512<double> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<double> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (int p = 0; p < depth; p++)
        {
            Vector512<double> b0 = Vector512.Load(b);
            double* ap = a;
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[7]), b0, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[8]), b0, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[9]), b0, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[10]), b0, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[11]), b0, c11);
            c12 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[12]), b0, c12);
            c13 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[13]), b0, c13);
            c14 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[14]), b0, c14);
            c15 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[15]), b0, c15);
            a += aDepthStride;
            b += bDepthStride;
        }

        if (tile == null)
        {
            Vector512<double> va = Vector512.Create(alpha);
            if (beta == 0.0)
            {
                // beta = 0: C is write-only, as BLAS requires.
                (c0 * va).Store(c); c += cRowStride;
                (c1 * va).Store(c); c += cRowStride;
                (c2 * va).Store(c); c += cRowStride;
                (c3 * va).Store(c); c += cRowStride;
                (c4 * va).Store(c); c += cRowStride;
                (c5 * va).Store(c); c += cRowStride;
                (c6 * va).Store(c); c += cRowStride;
                (c7 * va).Store(c); c += cRowStride;
                (c8 * va).Store(c); c += cRowStride;
                (c9 * va).Store(c); c += cRowStride;
                (c10 * va).Store(c); c += cRowStride;
                (c11 * va).Store(c); c += cRowStride;
                (c12 * va).Store(c); c += cRowStride;
                (c13 * va).Store(c); c += cRowStride;
                (c14 * va).Store(c); c += cRowStride;
                (c15 * va).Store(c); c += cRowStride;
            }
            else
            {
                Vector512<double> vb = Vector512.Create(beta);
                Vector512.FusedMultiplyAdd(c0, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c1, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c2, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c3, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c4, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c5, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c6, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c7, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c8, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c9, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c10, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c11, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c12, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c13, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c14, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
                Vector512.FusedMultiplyAdd(c15, va, Vector512.Load(c) * vb).Store(c); c += cRowStride;
            }
            return;
        }

        c0.Store(tile + 0);
        c1.Store(tile + 8);
        c2.Store(tile + 16);
        c3.Store(tile + 24);
        c4.Store(tile + 32);
        c5.Store(tile + 40);
        c6.Store(tile + 48);
        c7.Store(tile + 56);
        c8.Store(tile + 64);
        c9.Store(tile + 72);
        c10.Store(tile + 80);
        c11.Store(tile + 88);
        c12.Store(tile + 96);
        c13.Store(tile + 104);
        c14.Store(tile + 112);
        c15.Store(tile + 120);
        TileUpdate.Apply(tile, 8, rows, columns, alpha, beta, c, cRowStride);
    }
}
