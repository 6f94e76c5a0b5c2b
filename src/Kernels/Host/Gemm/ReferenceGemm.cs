using System.Numerics;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The definition of the GEMM, as plain code: C = alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ, C is
/// m × n, op(A) is m × k and op(B) is k × n, all matrices contiguous and row-major (A is m × k, or k × m when
/// transposed; B is k × n, or n × k when transposed). It is the yardstick the fast path (<see cref="PackedGemm"/>)
/// is tested against, and the place to start reading.
/// <code>
/// for i in 0 … m − 1
///   for j in 0 … n − 1
///     acc = 0
///     for p in 0 … k − 1                       (in increasing p)
///       acc = acc + op(A)[i, p] · op(B)[p, j]
///     C[i, j] = alpha · acc + beta · C[i, j]   (C[i, j] = alpha · acc when beta = 0)
/// </code>
/// The sum is kept in T itself (float sums in float, double in double), one rounding for each multiply and each add,
/// in increasing p. For inputs whose products and partial sums are all exactly representable (small integers, say),
/// every order of summation gives the exact result, so this loop and the fast path agree to the bit. BLAS semantics:
/// when beta is 0, C is only written, never read (NaNs in it do not propagate); when alpha is 0, A and B are not
/// read and C = beta · C.
/// <para>
/// <b>How the fast path computes the same thing.</b> <see cref="BlockedGemm{T, TKernel}"/> runs the same three
/// loops, reordered and cut into blocks so that each operand is read from the nearest cache level as often as
/// possible (the Goto/BLIS scheme). Its loop nest (BlockedGemm.RunBlock), from the outside in: C is first split into
/// parts, rectangles that the worker pool hands to its threads (<see cref="GemmPlan"/>, RowParts × ColumnParts); in a
/// part, jc steps over the columns NC at a time, pc over the depth KC at a time, ic over the rows MC at a time, and
/// inside those jr steps NR columns and ir MR rows, where MR × NR is the micro-kernel's register tile (6 × 16 for
/// float Vector256, 8 × 32 float Vector512, 16 × 8 double Vector512, 4 × 4 scalar; Kernel256.cs,
/// FloatKernel512.cs, DoubleKernel512.cs, ScalarKernel.cs).
/// </para>
/// <para>
/// <b>What each level holds, and why.</b> For each (jc, pc) the KC × NC block of op(B) is copied into NR-wide
/// panels (PanelPacker.cs): depth step p of a panel is NR contiguous elements, zero-padded past the edge of B, so
/// the kernel reads B with unit stride and edge tiles run the same code. That block (at most this core's share of
/// L3 and 2 MiB; a quarter of L2 where the Xeon's rows apply: GemmCostModel.ColumnBlockBytes) is reused by every
/// MC-row block of A. For each ic the MC × KC block of op(A) is packed into MR-tall panels and stays in L2 (at most
/// 3/8 of it, GemmCostModel.RowBlockBytes: 192 KiB of a 512 KiB L2) while all NC / NR slivers of B pass over it. One KC × NR sliver of B (16 KiB
/// for the 16-column tiles, 32 KiB for the 32-column one) stays in L1 while the kernel sweeps the A block's MC / MR
/// panels past it. In registers the kernel keeps the MR × NR tile of sums: per depth step it loads NR / V vectors
/// of B (V lanes each) and broadcasts MR elements of A, for MR · NR / V fused multiply-adds, so each element loaded
/// serves several multiply-adds and the FMA units, not the loads, set the pace. Packing is skipped where the plan
/// judges it would not pay (GemmPlan.ChoosePackA and ChoosePackB; the kernel then reads the operand in place).
/// </para>
/// <para>
/// <b>Where the results may differ.</b> The fast path also sums each element in increasing p, but in KC-long pieces:
/// each block's sum starts at 0, the vector kernels add each product with one fused rounding (FMA), and the block's
/// sum is folded into C as fma(acc, alpha, beta · C), with beta for the first block and 1 for the later ones
/// (TileUpdate.cs). KC is the same for every kernel (GemmPlan.Blocks, KC ≤ 256), which is why the Vector256 and
/// Vector512 kernels, and any number of threads, give the same bits; the scalar kernel rounds each multiply and add
/// separately. So for general inputs the fast path and this loop differ by rounding only, at most about
/// 2 · (k + 2) · ε · (|alpha| · Σₚ |op(A)[i, p] · op(B)[p, j]| + |beta · C[i, j]|) with ε the unit roundoff of T;
/// for exactly representable sums they are equal.
/// </para>
/// <para>
/// The planner's choices (grid, block sizes, what to pack, shared B blocks, claimed slivers, the transposed product
/// Cᵀ = op(B)ᵀ · op(A)ᵀ) and the measurements behind them are described in GemmPlan.cs, GemmCostModel.cs and
/// docs/perf-notes.md ("Host GEMM").
/// </para>
/// </summary>
public static class ReferenceGemm
{
    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C by the triple loop of the class remarks. <paramref name="a"/> holds m · k
    /// elements, <paramref name="b"/> k · n and <paramref name="c"/> m · n (at least).
    /// </summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, ReadOnlySpan<T> b, T beta, Span<T> c) where T : INumberBase<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (c.Length < (long)m * n) throw new ArgumentException($"C holds {c.Length} elements, fewer than m · n = {(long)m * n}.", nameof(c));
        bool readsOperands = alpha != T.Zero;
        if (readsOperands && a.Length < (long)m * k) throw new ArgumentException($"A holds {a.Length} elements, fewer than m · k = {(long)m * k}.", nameof(a));
        if (readsOperands && b.Length < (long)k * n) throw new ArgumentException($"B holds {b.Length} elements, fewer than k · n = {(long)k * n}.", nameof(b));

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (!readsOperands)
                {
                    // alpha = 0: as in BLAS, C = beta · C without touching A and B (and C = 0 unread when beta = 0).
                    c[i * n + j] = beta == T.Zero ? T.Zero : beta * c[i * n + j];
                    continue;
                }

                T acc = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    // op(A)[i, p] and op(B)[p, j] in the row-major storage of A and B.
                    T x = transposeA ? a[p * m + i] : a[i * k + p];
                    T y = transposeB ? b[j * k + p] : b[p * n + j];
                    acc += x * y;
                }
                c[i * n + j] = beta == T.Zero ? alpha * acc : alpha * acc + beta * c[i * n + j];
            }
        }
    }
}
