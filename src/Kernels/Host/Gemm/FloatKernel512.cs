using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// float micro-kernel for 512-bit vectors: an 8 × 32 tile of C in 16 Vector512 accumulators. Per depth step it loads
/// two vectors of B (32 columns), broadcasts eight elements of A and issues 16 FMAs: 10 loads per 16 FMAs, and 32
/// bytes of A per step from the panel that streams through L2.
/// <para>
/// Why not the 16 × 16 tile of the AVX-512 probe in REFERENCES.md (one vector of B, 16 broadcasts): on a Xeon with
/// two full-width FMA units per core (docs/perf-notes.md, "Host GEMM on AVX-512") both tiles run at the core's FMA
/// peak while A sits in L1, but once the A panel streams from L2, as it does in the blocked loop, 16 × 16 fell to
/// 83% of peak (17 loads and 64 bytes of A per 16 FMAs) while 8 × 32 stayed at 99–100%. Eight rows also divide every
/// row count of the VAE's GEMMs (128, 400, 784), and 20 rows waste 4 instead of 12.
/// </para>
/// A may be a packed panel, an unpacked transposed A (unit row stride), or an unpacked row-major A (row stride k, unit
/// depth stride: eight rows read side by side, which spares the planner the transposing pack). Right-edge tiles of at most 16 columns
/// run a one-vector variant (8 accumulators), so n = 400 and 784 (a multiple of 32 plus 16) compute no padding.
/// </summary>
internal readonly unsafe struct FloatKernel512 : IMicroKernel<float>
{
    /// <inheritdoc />
    public static int Rows => 8;

    /// <inheritdoc />
    public static int Columns => 32;

    /// <inheritdoc />
    public static GemmCostModel CostModel { get; } = GemmCostModel.For(MachineProperties.Current, 512, sizeof(float));

    /// <inheritdoc />
    public static bool SupportsRowStridedA => true;

    /// <inheritdoc />
    public static bool SupportsTransposedC => true;

    /// <summary>
    /// As <see cref="Run"/>, the tile stored transposed: element (i, j) at c[j · cColumnStride + i]. A whole 8 × 32 tile
    /// runs the same depth loop as <see cref="Run"/> and transposes its accumulators in registers on the way out
    /// (<see cref="StoreTransposed"/>). Edge tiles, and processors without AVX-512, let <see cref="Run"/> compute the
    /// tile into a second scratch tile (alpha 1, beta 0: the accumulators exactly) and store it with the scalar
    /// transposed update. Both round as the row-major stores do.
    /// <para>
    /// The depth loop is a copy of <see cref="Run"/>'s on purpose: with one loop generic over the store layout, the
    /// JIT kept B's depth stride in a stack slot in the row-major instance (a load and a store per depth step), which
    /// slowed the row-major products (docs/perf-notes.md, "v-transposed-c").
    /// </para>
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static void RunTransposedC(int depth, float* a, nint aRowStride, nint aDepthStride, float* b, nint bDepthStride,
        float alpha, float beta, float* c, nint cColumnStride, int rows, int columns)
    {
        if (rows != 8 || columns != 32 || !Avx512F.IsSupported)
        {
            // The second KiB of the thread's scratch: Run keeps the first for its own edge tiles. Rows and columns past
            // the tile's are computed from the operands' padding (readable, see IMicroKernel) and not stored.
            float* tile = TileUpdate.Scratch<float>() + 8 * 32;
            Run(depth, a, aRowStride, aDepthStride, b, bDepthStride, 1f, 0f, tile, 32, 8, columns <= 16 ? 16 : 32);
            TileUpdate.ApplyTransposed(tile, 32, rows, columns, alpha, beta, c, cColumnStride);
            return;
        }

        if (Sse.IsSupported)
        {
            // The tile's 32 rows of C, eight floats each, a line apiece unless a row straddles two.
            float* line = c;
            for (int j = 0; j < 32; j++, line += cColumnStride) Sse.Prefetch0(line);
        }

        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        float* a4 = a + 4 * aRowStride;
        nint s1 = aRowStride, s2 = 2 * aRowStride, s3 = 3 * aRowStride;
        for (int p = depth; p > 0; p--)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[s1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[s2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[s3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[0]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a4[s1]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a4[s2]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a4[s3]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += aDepthStride;
            a4 += aDepthStride;
            b += bDepthStride;
        }

        // Columns 0–15 of the tile, then 16–31: each becomes 16 rows of eight floats of C.
        StoreTransposed(c00, c10, c20, c30, c40, c50, c60, c70, alpha, beta, c, cColumnStride);
        StoreTransposed(c01, c11, c21, c31, c41, c51, c61, c71, alpha, beta, c + 16 * cColumnStride, cColumnStride);
    }

    /// <inheritdoc />
    [MethodImpl(HotLoop.Options)]
    public static void Run(int depth, float* a, nint aRowStride, nint aDepthStride, float* b, nint bDepthStride,
        float alpha, float beta, float* c, nint cRowStride, int rows, int columns)
    {
        if (columns <= 16)
        {
            RunOneVector(depth, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, cRowStride, rows, columns);
            return;
        }

        float* tile = rows == 8 && columns == 32 ? null : TileUpdate.Scratch<float>(); // before the loop: see TileUpdate.Scratch
        if (Sse.IsSupported)
        {
            // Ask for the C tile now so its lines arrive while the FMAs run (rows of a large C are pages apart).
            float* row = c;
            for (int i = 0; i < 8; i++, row += cRowStride)
            {
                Sse.Prefetch0(row);
                Sse.Prefetch0(row + 31);
            }
        }

        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        // Row i of the tile at a + i · aRowStride (1 in a packed panel, k in a row-major A read in place): two base
        // pointers and three scaled offsets, so every broadcast is one addressing mode.
        float* a4 = a + 4 * aRowStride;
        nint s1 = aRowStride, s2 = 2 * aRowStride, s3 = 3 * aRowStride;
        for (int p = depth; p > 0; p--)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[s1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[s2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[s3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[0]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a4[s1]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a4[s2]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a4[s3]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += aDepthStride;
            a4 += aDepthStride;
            b += bDepthStride;
        }

        if (tile == null)
        {
            Vector512<float> va = Vector512.Create(alpha);
            if (beta == 0f)
            {
                // beta = 0: C is write-only, as BLAS requires.
                (c00 * va).Store(c); (c01 * va).Store(c + 16); c += cRowStride;
                (c10 * va).Store(c); (c11 * va).Store(c + 16); c += cRowStride;
                (c20 * va).Store(c); (c21 * va).Store(c + 16); c += cRowStride;
                (c30 * va).Store(c); (c31 * va).Store(c + 16); c += cRowStride;
                (c40 * va).Store(c); (c41 * va).Store(c + 16); c += cRowStride;
                (c50 * va).Store(c); (c51 * va).Store(c + 16); c += cRowStride;
                (c60 * va).Store(c); (c61 * va).Store(c + 16); c += cRowStride;
                (c70 * va).Store(c); (c71 * va).Store(c + 16);
            }
            else
            {
                Vector512<float> vb = Vector512.Create(beta);
                StoreRow(c00, c01, va, vb, c); c += cRowStride;
                StoreRow(c10, c11, va, vb, c); c += cRowStride;
                StoreRow(c20, c21, va, vb, c); c += cRowStride;
                StoreRow(c30, c31, va, vb, c); c += cRowStride;
                StoreRow(c40, c41, va, vb, c); c += cRowStride;
                StoreRow(c50, c51, va, vb, c); c += cRowStride;
                StoreRow(c60, c61, va, vb, c); c += cRowStride;
                StoreRow(c70, c71, va, vb, c);
            }
            return;
        }

        c00.Store(tile); c01.Store(tile + 16);
        c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80);
        c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144);
        c50.Store(tile + 160); c51.Store(tile + 176);
        c60.Store(tile + 192); c61.Store(tile + 208);
        c70.Store(tile + 224); c71.Store(tile + 240);
        TileUpdate.Apply(tile, 32, rows, columns, alpha, beta, c, cRowStride);
    }

    // The one-vector variant of Run for right-edge tiles of at most 16 columns: 8 accumulators, B's second vector
    // never loaded. Whole 8 × 16 tiles (the edge of n = 400 or 784) store straight to C.
    [MethodImpl(HotLoop.Options)]
    private static void RunOneVector(int depth, float* a, nint aRowStride, nint aDepthStride, float* b, nint bDepthStride,
        float alpha, float beta, float* c, nint cRowStride, int rows, int columns)
    {
        float* tile = rows == 8 && columns == 16 ? null : TileUpdate.Scratch<float>(); // before the loop: see TileUpdate.Scratch
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        float* a4 = a + 4 * aRowStride;
        nint s1 = aRowStride, s2 = 2 * aRowStride, s3 = 3 * aRowStride;
        for (int p = depth; p > 0; p--)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[s1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[s2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[s3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[0]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[s1]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[s2]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[s3]), b0, c7);
            a += aDepthStride;
            a4 += aDepthStride;
            b += bDepthStride;
        }

        if (tile == null)
        {
            Vector512<float> va = Vector512.Create(alpha);
            Vector512<float> vb = Vector512.Create(beta);
            StoreVector(c0, va, vb, beta, c); c += cRowStride;
            StoreVector(c1, va, vb, beta, c); c += cRowStride;
            StoreVector(c2, va, vb, beta, c); c += cRowStride;
            StoreVector(c3, va, vb, beta, c); c += cRowStride;
            StoreVector(c4, va, vb, beta, c); c += cRowStride;
            StoreVector(c5, va, vb, beta, c); c += cRowStride;
            StoreVector(c6, va, vb, beta, c); c += cRowStride;
            StoreVector(c7, va, vb, beta, c);
            return;
        }

        c0.Store(tile); c1.Store(tile + 16); c2.Store(tile + 32); c3.Store(tile + 48);
        c4.Store(tile + 64); c5.Store(tile + 80); c6.Store(tile + 96); c7.Store(tile + 112);
        TileUpdate.Apply(tile, 16, rows, columns, alpha, beta, c, cRowStride);
    }

    // The 8 × 16 block r0 … r7 (rows i, columns j) stored transposed: C(j, i) at c + j · stride + i, as
    // alpha · r_i[j] + beta · C, rounded as the row-major stores round. Three rounds of shuffles (24 for 128
    // elements): unpack pairs of rows, shuffle them into columns of four rows per 128-bit lane (u: rows 0–3, v: rows
    // 4–7), then join each lane's column from u and v, two columns of eight per vector.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTransposed(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3,
        Vector512<float> r4, Vector512<float> r5, Vector512<float> r6, Vector512<float> r7, float alpha, float beta, float* c, nint stride)
    {
        // Lane L of u_q (v_q) holds rows 0–3 (4–7) of column 4L + q.
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> u0 = Avx512F.Shuffle(t0, t2, 0x44), u1 = Avx512F.Shuffle(t0, t2, 0xEE);
        Vector512<float> u2 = Avx512F.Shuffle(t1, t3, 0x44), u3 = Avx512F.Shuffle(t1, t3, 0xEE);
        t0 = Avx512F.UnpackLow(r4, r5); t1 = Avx512F.UnpackHigh(r4, r5);
        t2 = Avx512F.UnpackLow(r6, r7); t3 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> v0 = Avx512F.Shuffle(t0, t2, 0x44), v1 = Avx512F.Shuffle(t0, t2, 0xEE);
        Vector512<float> v2 = Avx512F.Shuffle(t1, t3, 0x44), v3 = Avx512F.Shuffle(t1, t3, 0xEE);
        // Lanes 0 and 1 of u and v (columns q and 4 + q), and lanes 2 and 3 (columns 8 + q and 12 + q).
        Vector512<int> low = Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
        Vector512<int> high = Vector512.Create(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
        Vector256<float> va = Vector256.Create(alpha), vb = Vector256.Create(beta);
        StoreColumns(Avx512F.PermuteVar16x32x2(u0, low, v0), va, vb, beta, c, c + 4 * stride);
        StoreColumns(Avx512F.PermuteVar16x32x2(u0, high, v0), va, vb, beta, c + 8 * stride, c + 12 * stride);
        c += stride;
        StoreColumns(Avx512F.PermuteVar16x32x2(u1, low, v1), va, vb, beta, c, c + 4 * stride);
        StoreColumns(Avx512F.PermuteVar16x32x2(u1, high, v1), va, vb, beta, c + 8 * stride, c + 12 * stride);
        c += stride;
        StoreColumns(Avx512F.PermuteVar16x32x2(u2, low, v2), va, vb, beta, c, c + 4 * stride);
        StoreColumns(Avx512F.PermuteVar16x32x2(u2, high, v2), va, vb, beta, c + 8 * stride, c + 12 * stride);
        c += stride;
        StoreColumns(Avx512F.PermuteVar16x32x2(u3, low, v3), va, vb, beta, c, c + 4 * stride);
        StoreColumns(Avx512F.PermuteVar16x32x2(u3, high, v3), va, vb, beta, c + 8 * stride, c + 12 * stride);
    }

    // Two columns of eight rows (the halves of pair) to C at first and second: alpha · x + beta · C, C unread when beta is 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(Vector512<float> pair, Vector256<float> alpha, Vector256<float> beta, float betaScalar, float* first, float* second)
    {
        Vector256<float> x = pair.GetLower(), y = pair.GetUpper();
        if (betaScalar == 0f)
        {
            (x * alpha).Store(first);
            (y * alpha).Store(second);
        }
        else
        {
            Vector256.FusedMultiplyAdd(x, alpha, Vector256.Load(first) * beta).Store(first);
            Vector256.FusedMultiplyAdd(y, alpha, Vector256.Load(second) * beta).Store(second);
        }
    }

    // C = alpha · acc + beta · C for one 32-wide row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector512<float> left, Vector512<float> right, Vector512<float> alpha, Vector512<float> beta, float* c)
    {
        Vector512.FusedMultiplyAdd(left, alpha, Vector512.Load(c) * beta).Store(c);
        Vector512.FusedMultiplyAdd(right, alpha, Vector512.Load(c + 16) * beta).Store(c + 16);
    }

    // C = alpha · acc + beta · C for one 16-wide row; C is not read when beta is 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreVector(Vector512<float> value, Vector512<float> alpha, Vector512<float> beta, float betaScalar, float* c)
    {
        if (betaScalar == 0f) (value * alpha).Store(c);
        else Vector512.FusedMultiplyAdd(value, alpha, Vector512.Load(c) * beta).Store(c);
    }
}
