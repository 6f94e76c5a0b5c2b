using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// float micro-kernel for 256-bit vectors: a 6 × 16 tile of C in 12 Vector256 accumulators. Per depth step it loads
/// two vectors of B (16 columns), broadcasts six elements of A and issues 12 FMAs: 12 accumulators + 2 B vectors +
/// 1 broadcast = 15 of the 16 ymm registers, and 8 loads per 12 FMAs stay under the two loads per cycle the
/// load units sustain while both FMA pipes are busy.
/// </summary>
internal readonly unsafe struct FloatKernel256 : IMicroKernel<float>
{
    /// <inheritdoc />
    public static int Rows => 6;

    /// <inheritdoc />
    public static int Columns => 16;

    /// <inheritdoc />
    public static GemmCostModel CostModel => GemmCostModel.Zen3(16);

    /// <inheritdoc />
    public static bool SupportsRowStridedA => true;

    /// <inheritdoc />
    [MethodImpl(HotLoop.Options)]
    public static void Run(int depth, float* a, nint aRowStride, nint aDepthStride, float* b, nint bDepthStride,
        float alpha, float beta, float* c, nint cRowStride, int rows, int columns)
    {
        if (columns <= 8)
        {
            // A right-edge tile of at most one vector: half the FMAs of the full tile (n = 20 is 16 + 4 columns).
            RunOneVector(depth, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, cRowStride, rows, columns);
            return;
        }

        float* tile = rows == 6 && columns == 16 ? null : TileUpdate.Scratch<float>(); // before the loop: see TileUpdate.Scratch
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (Sse.IsSupported)
        {
            // Ask for the C tile now so its lines arrive while the FMAs run, not at the update below
            // (rows of a large C are a page apart, which the hardware prefetcher does not follow).
            float* row = c;
            for (int i = 0; i < 6; i++, row += cRowStride)
            {
                Sse.Prefetch0(row);
                Sse.Prefetch0(row + 15);
            }
        }

        // Two base pointers (rows 0 and 3) and two row offsets (1 and 2 rows): every broadcast is one load with a
        // scaled index, and the loop keeps all its pointers in registers.
        float* low = a, high = a + 3 * aRowStride;
        nint oneRow = aRowStride, twoRows = 2 * aRowStride;
        for (int p = depth; p > 0; p--)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(low[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(low[oneRow]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(low[twoRows]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(high[0]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(high[oneRow]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(high[twoRows]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            low += aDepthStride;
            high += aDepthStride;
            b += bDepthStride;
        }

        if (tile == null)
        {
            Vector256<float> va = Vector256.Create(alpha);
            if (beta == 0f)
            {
                // beta = 0: C is write-only, as BLAS requires.
                (c00 * va).Store(c); (c01 * va).Store(c + 8); c += cRowStride;
                (c10 * va).Store(c); (c11 * va).Store(c + 8); c += cRowStride;
                (c20 * va).Store(c); (c21 * va).Store(c + 8); c += cRowStride;
                (c30 * va).Store(c); (c31 * va).Store(c + 8); c += cRowStride;
                (c40 * va).Store(c); (c41 * va).Store(c + 8); c += cRowStride;
                (c50 * va).Store(c); (c51 * va).Store(c + 8);
            }
            else
            {
                Vector256<float> vb = Vector256.Create(beta);
                StoreRow(c00, c01, va, vb, c); c += cRowStride;
                StoreRow(c10, c11, va, vb, c); c += cRowStride;
                StoreRow(c20, c21, va, vb, c); c += cRowStride;
                StoreRow(c30, c31, va, vb, c); c += cRowStride;
                StoreRow(c40, c41, va, vb, c); c += cRowStride;
                StoreRow(c50, c51, va, vb, c);
            }
            return;
        }

        c00.Store(tile); c01.Store(tile + 8);
        c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40);
        c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72);
        c50.Store(tile + 80); c51.Store(tile + 88);
        TileUpdate.Apply(tile, 16, rows, columns, alpha, beta, c, cRowStride);
    }

    // The one-vector variant of Run for narrow right-edge tiles: 6 accumulators, B's second vector never loaded.
    [MethodImpl(HotLoop.Options)]
    private static void RunOneVector(int depth, float* a, nint aRowStride, nint aDepthStride, float* b, nint bDepthStride,
        float alpha, float beta, float* c, nint cRowStride, int rows, int columns)
    {
        float* tile = TileUpdate.Scratch<float>(); // before the loop: see TileUpdate.Scratch
        float* a0 = a, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride, a4 = a3 + aRowStride, a5 = a4 + aRowStride;
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[offset]), b0, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Create(a1[offset]), b0, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.Create(a2[offset]), b0, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.Create(a3[offset]), b0, c3);
            c4 = Vector256.FusedMultiplyAdd(Vector256.Create(a4[offset]), b0, c4);
            c5 = Vector256.FusedMultiplyAdd(Vector256.Create(a5[offset]), b0, c5);
            offset += aDepthStride;
            b += bDepthStride;
        }

        c0.Store(tile); c1.Store(tile + 8); c2.Store(tile + 16);
        c3.Store(tile + 24); c4.Store(tile + 32); c5.Store(tile + 40);
        TileUpdate.Apply(tile, 8, rows, columns, alpha, beta, c, cRowStride);
    }

    // C = alpha · acc + beta · C for one 16-wide row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector256<float> left, Vector256<float> right, Vector256<float> alpha, Vector256<float> beta, float* c)
    {
        Vector256.FusedMultiplyAdd(left, alpha, Vector256.Load(c) * beta).Store(c);
        Vector256.FusedMultiplyAdd(right, alpha, Vector256.Load(c + 8) * beta).Store(c + 8);
    }
}
