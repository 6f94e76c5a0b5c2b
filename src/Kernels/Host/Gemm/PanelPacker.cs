using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// Copies a sliver of op(A) or op(B) into a panel the micro-kernel streams through: panel[p · panelWidth + x] is
/// element x of depth step p, for x &lt; width, and 0 for width ≤ x &lt; panelWidth (zero padding, so edge tiles
/// run the same kernel). The source is either contiguous along the width (source(x, p) = source[p · stride + x]:
/// a row-major B, a transposed A) or along the depth (source(x, p) = source[x · stride + p]: a transposed B, a
/// row-major A). The second needs a transpose, done 8 × 8 (float) or 4 × 4 (double) in registers: loading rows
/// and storing columns beats a scalar gather by several times, and it was the largest single gain for
/// transposed operands.
/// <para>
/// Panels whose width is not a multiple of the vector length store whole vectors anyway and let the extra lanes
/// spill into the next panel row, which a later store overwrites; so stores go in ascending address order, panels
/// of one buffer are packed in order by one thread, and buffers carry <see cref="Slack"/> elements past their end.
/// </para>
/// </summary>
internal static unsafe class PanelPacker
{
    /// <summary>Elements a pack buffer needs past its last panel for spilled vector lanes.</summary>
    public const int Slack = 16;

    /// <summary>Packs a panel from a source contiguous along the width: source(x, p) = source[p · stride + x].</summary>
    [MethodImpl(HotLoop.Options)]
    public static void PackWidthContiguous<T>(T* source, nint stride, int width, int panelWidth, int depth, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vectorLength = Vector256<T>.Count;
        // Whole vectors: a full panel, or an edge panel of whole vectors (the half-tile edge of a part) padded with
        // zero vectors.
        bool vectorCopy = (typeof(T) == typeof(float) || typeof(T) == typeof(double))
            && Vector256.IsHardwareAccelerated && width % vectorLength == 0 && panelWidth % vectorLength == 0;
        if (vectorCopy)
        {
            for (int p = 0; p < depth; p++)
            {
                T* from = source + p * stride;
                T* to = destination + p * panelWidth;
                int x = 0;
                for (; x < width; x += vectorLength) Vector256.Store(Vector256.Load(from + x), to + x);
                for (; x < panelWidth; x += vectorLength) Vector256.Store(Vector256<T>.Zero, to + x);
            }
            return;
        }

        for (int p = 0; p < depth; p++)
        {
            T* from = source + p * stride;
            T* to = destination + p * panelWidth;
            int x = 0;
            for (; x < width; x++) to[x] = from[x];
            for (; x < panelWidth; x++) to[x] = T.Zero;
        }
    }

    /// <summary>Packs a panel from a source contiguous along the depth (a transpose): source(x, p) = source[x · stride + p].</summary>
    [MethodImpl(HotLoop.Options)]
    public static void PackDepthContiguous<T>(T* source, nint stride, int width, int panelWidth, int depth, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int done = 0;
        if (Avx512F.IsSupported && typeof(T) == typeof(float) && panelWidth % 16 == 0)
        {
            // 16 × 16 blocks in 512-bit registers (the 32-wide panels of the Vector512 kernel), then 8 × 8 for a
            // remainder of 8 or more depth steps.
            done = TransposeFloat16((float*)source, stride, width, panelWidth, depth, (float*)destination);
            done += TransposeFloat((float*)source + done, stride, width, panelWidth, depth - done, (float*)destination + (nint)done * panelWidth);
        }
        else if (Avx.IsSupported)
        {
            if (typeof(T) == typeof(float) && (panelWidth % 8 == 0 || panelWidth < 8))
                done = TransposeFloat((float*)source, stride, width, panelWidth, depth, (float*)destination);
            else if (typeof(T) == typeof(double) && (panelWidth % 4 == 0 || (panelWidth > 4 && panelWidth < 8)))
                done = TransposeDouble((double*)source, stride, width, panelWidth, depth, (double*)destination);
        }

        // The depth steps left over after whole 8- or 4-step blocks (or all of them without AVX).
        for (int p = done; p < depth; p++)
        {
            T* to = destination + p * panelWidth;
            int x = 0;
            for (; x < width; x++) to[x] = source[x * stride + p];
            for (; x < panelWidth; x++) to[x] = T.Zero;
        }
    }

    // Groups of 8 source rows (x) are transposed 8 depth steps at a time; rows past the width load as zeros.
    // Returns how many depth steps were packed.
    [MethodImpl(HotLoop.Options)]
    private static int TransposeFloat(float* source, nint stride, int width, int panelWidth, int depth, float* destination)
    {
        int blocked = depth & ~7;
        for (int x0 = 0; x0 < panelWidth; x0 += 8)
        {
            int valid = Math.Clamp(width - x0, 0, 8);
            float* s = source + x0 * stride;
            for (int p0 = 0; p0 < blocked; p0 += 8)
            {
                Vector256<float> r0, r1, r2, r3, r4, r5, r6, r7;
                if (valid == 8)
                {
                    r0 = Vector256.Load(s + p0); r1 = Vector256.Load(s + stride + p0);
                    r2 = Vector256.Load(s + 2 * stride + p0); r3 = Vector256.Load(s + 3 * stride + p0);
                    r4 = Vector256.Load(s + 4 * stride + p0); r5 = Vector256.Load(s + 5 * stride + p0);
                    r6 = Vector256.Load(s + 6 * stride + p0); r7 = Vector256.Load(s + 7 * stride + p0);
                }
                else
                {
                    r0 = LoadOrZero(s, stride, 0, valid, p0); r1 = LoadOrZero(s, stride, 1, valid, p0);
                    r2 = LoadOrZero(s, stride, 2, valid, p0); r3 = LoadOrZero(s, stride, 3, valid, p0);
                    r4 = LoadOrZero(s, stride, 4, valid, p0); r5 = LoadOrZero(s, stride, 5, valid, p0);
                    r6 = LoadOrZero(s, stride, 6, valid, p0); r7 = LoadOrZero(s, stride, 7, valid, p0);
                }

                // 8 × 8 transpose: interleave pairs, then quadruples, then swap 128-bit halves.
                Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
                Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
                Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
                Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
                Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
                Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
                Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
                float* d = destination + p0 * panelWidth + x0;
                Avx.Permute2x128(u0, u4, 0x20).Store(d);
                Avx.Permute2x128(u1, u5, 0x20).Store(d + panelWidth);
                Avx.Permute2x128(u2, u6, 0x20).Store(d + 2 * panelWidth);
                Avx.Permute2x128(u3, u7, 0x20).Store(d + 3 * panelWidth);
                Avx.Permute2x128(u0, u4, 0x31).Store(d + 4 * panelWidth);
                Avx.Permute2x128(u1, u5, 0x31).Store(d + 5 * panelWidth);
                Avx.Permute2x128(u2, u6, 0x31).Store(d + 6 * panelWidth);
                Avx.Permute2x128(u3, u7, 0x31).Store(d + 7 * panelWidth);
            }
        }
        return blocked;
    }

    // Groups of 16 source rows are transposed 16 depth steps at a time, in three rounds of in-register shuffles
    // (64 for 256 elements, against 24 for 64 in the 8 × 8 transpose: a quarter against three eighths of a shuffle
    // per element, and the shuffle port is what limits both). Rows past the width load as zeros; a group with no row
    // left only stores zeros. Returns how many depth steps were packed.
    [MethodImpl(HotLoop.Options)]
    private static int TransposeFloat16(float* source, nint stride, int width, int panelWidth, int depth, float* destination)
    {
        int blocked = depth & ~15;
        for (int x0 = 0; x0 < panelWidth; x0 += 16)
        {
            int valid = Math.Clamp(width - x0, 0, 16);
            if (valid == 0)
            {
                for (int p = 0; p < blocked; p++) Vector512<float>.Zero.Store(destination + (nint)p * panelWidth + x0);
                continue;
            }
            float* s = source + x0 * stride;
            for (int p0 = 0; p0 < blocked; p0 += 16)
            {
                // r[i] = row x0 + i, depth steps p0 … p0 + 15.
                Vector512<float> r0 = LoadOrZero16(s, stride, 0, valid, p0), r1 = LoadOrZero16(s, stride, 1, valid, p0);
                Vector512<float> r2 = LoadOrZero16(s, stride, 2, valid, p0), r3 = LoadOrZero16(s, stride, 3, valid, p0);
                Vector512<float> r4 = LoadOrZero16(s, stride, 4, valid, p0), r5 = LoadOrZero16(s, stride, 5, valid, p0);
                Vector512<float> r6 = LoadOrZero16(s, stride, 6, valid, p0), r7 = LoadOrZero16(s, stride, 7, valid, p0);
                Vector512<float> r8 = LoadOrZero16(s, stride, 8, valid, p0), r9 = LoadOrZero16(s, stride, 9, valid, p0);
                Vector512<float> r10 = LoadOrZero16(s, stride, 10, valid, p0), r11 = LoadOrZero16(s, stride, 11, valid, p0);
                Vector512<float> r12 = LoadOrZero16(s, stride, 12, valid, p0), r13 = LoadOrZero16(s, stride, 13, valid, p0);
                Vector512<float> r14 = LoadOrZero16(s, stride, 14, valid, p0), r15 = LoadOrZero16(s, stride, 15, valid, p0);

                // Within each 128-bit lane j (depth steps 4j … 4j + 3), as in the 8 × 8 transpose: interleave pairs of
                // rows, then quadruples, so that u[4g + q] holds rows 4g … 4g + 3 of depth step 4j + q in lane j.
                Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
                Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
                Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
                Vector512<float> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
                Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9);
                Vector512<float> t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
                Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13);
                Vector512<float> t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);
                Vector512<float> u0 = Avx512F.Shuffle(t0, t2, 0x44), u1 = Avx512F.Shuffle(t0, t2, 0xEE);
                Vector512<float> u2 = Avx512F.Shuffle(t1, t3, 0x44), u3 = Avx512F.Shuffle(t1, t3, 0xEE);
                Vector512<float> u4 = Avx512F.Shuffle(t4, t6, 0x44), u5 = Avx512F.Shuffle(t4, t6, 0xEE);
                Vector512<float> u6 = Avx512F.Shuffle(t5, t7, 0x44), u7 = Avx512F.Shuffle(t5, t7, 0xEE);
                Vector512<float> u8 = Avx512F.Shuffle(t8, t10, 0x44), u9 = Avx512F.Shuffle(t8, t10, 0xEE);
                Vector512<float> u10 = Avx512F.Shuffle(t9, t11, 0x44), u11 = Avx512F.Shuffle(t9, t11, 0xEE);
                Vector512<float> u12 = Avx512F.Shuffle(t12, t14, 0x44), u13 = Avx512F.Shuffle(t12, t14, 0xEE);
                Vector512<float> u14 = Avx512F.Shuffle(t13, t15, 0x44), u15 = Avx512F.Shuffle(t13, t15, 0xEE);

                // Gather the four row groups' lanes: 0x88 takes lanes 0 and 2 of each operand, 0xDD lanes 1 and 3.
                // v[q] = (g0 j0, g0 j2, g1 j0, g1 j2), w[q] = (g0 j1, g0 j3, g1 j1, g1 j3); y, z the same for g2, g3.
                Vector512<float> v0 = Avx512F.Shuffle4x128(u0, u4, 0x88), w0 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
                Vector512<float> v1 = Avx512F.Shuffle4x128(u1, u5, 0x88), w1 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
                Vector512<float> v2 = Avx512F.Shuffle4x128(u2, u6, 0x88), w2 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
                Vector512<float> v3 = Avx512F.Shuffle4x128(u3, u7, 0x88), w3 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
                Vector512<float> y0 = Avx512F.Shuffle4x128(u8, u12, 0x88), z0 = Avx512F.Shuffle4x128(u8, u12, 0xDD);
                Vector512<float> y1 = Avx512F.Shuffle4x128(u9, u13, 0x88), z1 = Avx512F.Shuffle4x128(u9, u13, 0xDD);
                Vector512<float> y2 = Avx512F.Shuffle4x128(u10, u14, 0x88), z2 = Avx512F.Shuffle4x128(u10, u14, 0xDD);
                Vector512<float> y3 = Avx512F.Shuffle4x128(u11, u15, 0x88), z3 = Avx512F.Shuffle4x128(u11, u15, 0xDD);

                // Depth step 4j + q: all 16 rows, from lane j of each group.
                float* d = destination + (nint)p0 * panelWidth + x0;
                nint w = panelWidth;
                Avx512F.Shuffle4x128(v0, y0, 0x88).Store(d);          // step 0
                Avx512F.Shuffle4x128(v1, y1, 0x88).Store(d + w);      // step 1
                Avx512F.Shuffle4x128(v2, y2, 0x88).Store(d + 2 * w);  // step 2
                Avx512F.Shuffle4x128(v3, y3, 0x88).Store(d + 3 * w);  // step 3
                Avx512F.Shuffle4x128(w0, z0, 0x88).Store(d + 4 * w);  // step 4
                Avx512F.Shuffle4x128(w1, z1, 0x88).Store(d + 5 * w);
                Avx512F.Shuffle4x128(w2, z2, 0x88).Store(d + 6 * w);
                Avx512F.Shuffle4x128(w3, z3, 0x88).Store(d + 7 * w);
                Avx512F.Shuffle4x128(v0, y0, 0xDD).Store(d + 8 * w);  // step 8
                Avx512F.Shuffle4x128(v1, y1, 0xDD).Store(d + 9 * w);
                Avx512F.Shuffle4x128(v2, y2, 0xDD).Store(d + 10 * w);
                Avx512F.Shuffle4x128(v3, y3, 0xDD).Store(d + 11 * w);
                Avx512F.Shuffle4x128(w0, z0, 0xDD).Store(d + 12 * w); // step 12
                Avx512F.Shuffle4x128(w1, z1, 0xDD).Store(d + 13 * w);
                Avx512F.Shuffle4x128(w2, z2, 0xDD).Store(d + 14 * w);
                Avx512F.Shuffle4x128(w3, z3, 0xDD).Store(d + 15 * w);
            }
        }
        return blocked;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LoadOrZero16(float* source, nint stride, int row, int valid, int p0)
        => row < valid ? Vector512.Load(source + row * stride + p0) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadOrZero(float* source, nint stride, int row, int valid, int p0)
        => row < valid ? Vector256.Load(source + row * stride + p0) : Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LoadOrZero(double* source, nint stride, int row, int valid, int p0)
        => row < valid ? Vector256.Load(source + row * stride + p0) : Vector256<double>.Zero;

    // Groups of 4 source rows are transposed 4 depth steps at a time. When the panel width is a multiple of 4 each
    // group is done in turn; otherwise (widths 5 to 7) both groups are transposed first and the stores interleaved
    // by depth step, so the second group's spilled lanes are overwritten by the next step's first group.
    [MethodImpl(HotLoop.Options)]
    private static int TransposeDouble(double* source, nint stride, int width, int panelWidth, int depth, double* destination)
    {
        int blocked = depth & ~3;
        if (panelWidth % 4 == 0)
        {
            for (int x0 = 0; x0 < panelWidth; x0 += 4)
            {
                int valid = Math.Clamp(width - x0, 0, 4);
                double* s = source + x0 * stride;
                for (int p0 = 0; p0 < blocked; p0 += 4)
                {
                    Transpose4x4(s, stride, valid, p0, out var c0, out var c1, out var c2, out var c3);
                    double* d = destination + p0 * panelWidth + x0;
                    c0.Store(d); c1.Store(d + panelWidth); c2.Store(d + 2 * panelWidth); c3.Store(d + 3 * panelWidth);
                }
            }
            return blocked;
        }

        int validLow = Math.Clamp(width, 0, 4), validHigh = Math.Clamp(width - 4, 0, 4);
        double* high = source + 4 * stride;
        for (int p0 = 0; p0 < blocked; p0 += 4)
        {
            Transpose4x4(source, stride, validLow, p0, out var l0, out var l1, out var l2, out var l3);
            Transpose4x4(high, stride, validHigh, p0, out var h0, out var h1, out var h2, out var h3);
            double* d = destination + p0 * panelWidth;
            l0.Store(d); h0.Store(d + 4); d += panelWidth;
            l1.Store(d); h1.Store(d + 4); d += panelWidth;
            l2.Store(d); h2.Store(d + 4); d += panelWidth;
            l3.Store(d); h3.Store(d + 4);
        }
        return blocked;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* source, nint stride, int valid, int p0,
        out Vector256<double> c0, out Vector256<double> c1, out Vector256<double> c2, out Vector256<double> c3)
    {
        Vector256<double> r0 = LoadOrZero(source, stride, 0, valid, p0), r1 = LoadOrZero(source, stride, 1, valid, p0);
        Vector256<double> r2 = LoadOrZero(source, stride, 2, valid, p0), r3 = LoadOrZero(source, stride, 3, valid, p0);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        c0 = Avx.Permute2x128(t0, t2, 0x20);
        c1 = Avx.Permute2x128(t1, t3, 0x20);
        c2 = Avx.Permute2x128(t0, t2, 0x31);
        c3 = Avx.Permute2x128(t1, t3, 0x31);
    }
}
