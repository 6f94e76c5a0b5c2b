using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The micro-kernel for 256-bit vectors, float and double: a 6 × 2V tile of C (V = lanes of a Vector256, 8 floats or 4
/// doubles: 6 × 16 or 6 × 8) in 12 Vector256 accumulators. Per depth step it loads two vectors of B, broadcasts six
/// elements of A and issues 12 FMAs: 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers, and
/// 8 loads per 12 FMAs stay under the two loads per cycle the load units sustain while both FMA pipes are busy.
/// One source for both element types: T is a value type, so the JIT compiles each instantiation on its own, with V a
/// constant and <see cref="MultiplyAdd"/>'s type test folded away (the same machine code as the two hand-typed kernels
/// it replaced; docs/perf-notes.md, "One 256-bit kernel for float and double").
/// </summary>
internal readonly unsafe struct Kernel256<T> : IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static int Lanes => Vector256<T>.Count;

    /// <inheritdoc />
    public static int Rows => 6;

    /// <inheritdoc />
    public static int Columns => 2 * Vector256<T>.Count;

    /// <inheritdoc />
    public static GemmCostModel CostModel { get; } = GemmCostModel.For(MachineProperties.Current, 256, Unsafe.SizeOf<T>());

    /// <inheritdoc />
    public static bool SupportsRowStridedA => true;

    /// <inheritdoc />
    [MethodImpl(HotLoop.Options)]
    public static void Run(int depth, T* a, nint aRowStride, nint aDepthStride, T* b, nint bDepthStride,
        T alpha, T beta, T* c, nint cRowStride, int rows, int columns)
    {
        if (columns <= Lanes)
        {
            // A right-edge tile of at most one vector: half the FMAs of the full tile (n = 20 is 16 + 4 float columns).
            RunOneVector(depth, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, cRowStride, rows, columns);
            return;
        }

        T* tile = rows == 6 && columns == Columns ? null : TileUpdate.Scratch<T>(); // before the loop: see TileUpdate.Scratch
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (Sse.IsSupported)
        {
            // Ask for the C tile now so its lines arrive while the FMAs run, not at the update below
            // (rows of a large C are a page apart, which the hardware prefetcher does not follow).
            T* row = c;
            for (int i = 0; i < 6; i++, row += cRowStride)
            {
                Sse.Prefetch0(row);
                Sse.Prefetch0(row + Columns - 1);
            }
        }

        // Two base pointers (rows 0 and 3) and two row offsets (1 and 2 rows): every broadcast is one load with a
        // scaled index, and the loop keeps all its pointers in registers.
        T* low = a, high = a + 3 * aRowStride;
        nint oneRow = aRowStride, twoRows = 2 * aRowStride;
        for (int p = depth; p > 0; p--)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + Lanes);
            Vector256<T> x = Vector256.Create(low[0]);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Vector256.Create(low[oneRow]);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Vector256.Create(low[twoRows]);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Vector256.Create(high[0]);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Vector256.Create(high[oneRow]);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Vector256.Create(high[twoRows]);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            low += aDepthStride;
            high += aDepthStride;
            b += bDepthStride;
        }

        if (tile == null)
        {
            Vector256<T> va = Vector256.Create(alpha);
            if (beta == T.Zero)
            {
                // beta = 0: C is write-only, as BLAS requires.
                (c00 * va).Store(c); (c01 * va).Store(c + Lanes); c += cRowStride;
                (c10 * va).Store(c); (c11 * va).Store(c + Lanes); c += cRowStride;
                (c20 * va).Store(c); (c21 * va).Store(c + Lanes); c += cRowStride;
                (c30 * va).Store(c); (c31 * va).Store(c + Lanes); c += cRowStride;
                (c40 * va).Store(c); (c41 * va).Store(c + Lanes); c += cRowStride;
                (c50 * va).Store(c); (c51 * va).Store(c + Lanes);
            }
            else
            {
                Vector256<T> vb = Vector256.Create(beta);
                StoreRow(c00, c01, va, vb, c); c += cRowStride;
                StoreRow(c10, c11, va, vb, c); c += cRowStride;
                StoreRow(c20, c21, va, vb, c); c += cRowStride;
                StoreRow(c30, c31, va, vb, c); c += cRowStride;
                StoreRow(c40, c41, va, vb, c); c += cRowStride;
                StoreRow(c50, c51, va, vb, c);
            }
            return;
        }

        // The tile's rows are Columns = 2V apart.
        c00.Store(tile); c01.Store(tile + Lanes);
        c10.Store(tile + 2 * Lanes); c11.Store(tile + 3 * Lanes);
        c20.Store(tile + 4 * Lanes); c21.Store(tile + 5 * Lanes);
        c30.Store(tile + 6 * Lanes); c31.Store(tile + 7 * Lanes);
        c40.Store(tile + 8 * Lanes); c41.Store(tile + 9 * Lanes);
        c50.Store(tile + 10 * Lanes); c51.Store(tile + 11 * Lanes);
        TileUpdate.Apply(tile, Columns, rows, columns, alpha, beta, c, cRowStride);
    }

    // The one-vector variant of Run for narrow right-edge tiles: 6 accumulators, B's second vector never loaded.
    [MethodImpl(HotLoop.Options)]
    private static void RunOneVector(int depth, T* a, nint aRowStride, nint aDepthStride, T* b, nint bDepthStride,
        T alpha, T beta, T* c, nint cRowStride, int rows, int columns)
    {
        T* tile = TileUpdate.Scratch<T>(); // before the loop: see TileUpdate.Scratch
        T* a0 = a, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride, a4 = a3 + aRowStride, a5 = a4 + aRowStride;
        Vector256<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            c0 = MultiplyAdd(Vector256.Create(a0[offset]), b0, c0);
            c1 = MultiplyAdd(Vector256.Create(a1[offset]), b0, c1);
            c2 = MultiplyAdd(Vector256.Create(a2[offset]), b0, c2);
            c3 = MultiplyAdd(Vector256.Create(a3[offset]), b0, c3);
            c4 = MultiplyAdd(Vector256.Create(a4[offset]), b0, c4);
            c5 = MultiplyAdd(Vector256.Create(a5[offset]), b0, c5);
            offset += aDepthStride;
            b += bDepthStride;
        }

        // The tile's rows are V apart.
        c0.Store(tile); c1.Store(tile + Lanes); c2.Store(tile + 2 * Lanes);
        c3.Store(tile + 3 * Lanes); c4.Store(tile + 4 * Lanes); c5.Store(tile + 5 * Lanes);
        TileUpdate.Apply(tile, Lanes, rows, columns, alpha, beta, c, cRowStride);
    }

    // C = alpha · acc + beta · C for one 2V-wide row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector256<T> left, Vector256<T> right, Vector256<T> alpha, Vector256<T> beta, T* c)
    {
        MultiplyAdd(left, alpha, Vector256.Load(c) * beta).Store(c);
        MultiplyAdd(right, alpha, Vector256.Load(c + Lanes) * beta).Store(c + Lanes);
    }

    /// <summary>x · y + z in one rounding (vfmadd): Vector256 has FusedMultiplyAdd for float and double only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> z)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        throw new NotSupportedException($"The 256-bit GEMM kernel runs float and double, not {typeof(T).Name}.");
    }
}
