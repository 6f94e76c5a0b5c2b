using System.Numerics;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// A register-blocked micro-kernel: it computes one <see cref="Rows"/> × <see cref="Columns"/> tile of C from a
/// depth-long sliver of op(A) and a depth-long sliver of op(B), keeping the whole tile in registers.
/// <para>
/// Operand layout. The A sliver's element (i, p) — row i of the tile, step p of the depth — is at
/// a[i · aRowStride + p · aDepthStride]: a packed panel has (1, Rows), an unpacked transposed A has (1, m) and an
/// unpacked row-major A has (k, 1). The B sliver's row p is <see cref="Columns"/> contiguous elements at
/// b + p · bDepthStride (a packed panel has bDepthStride = Columns, an unpacked row-major B has n).
/// </para>
/// <para>
/// Update. With acc(i, j) = Σₚ A(i, p) · B(p, j): C(i, j) = alpha · acc(i, j) + beta · C(i, j) for i &lt; rows,
/// j &lt; columns, and C is not read when beta is 0 (so NaNs there do not propagate). Rows and columns of the
/// tile past <c>rows</c>/<c>columns</c> are computed from whatever the operands hold there
/// and thrown away, so padding only has to be readable.
/// </para>
/// </summary>
internal unsafe interface IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>MR: rows of the register tile (elements of A broadcast per depth step).</summary>
    static abstract int Rows { get; }

    /// <summary>NR: columns of the register tile (a whole number of vectors of B per depth step).</summary>
    static abstract int Columns { get; }

    /// <summary>The machine figures the planner weighs for this kernel (<see cref="GemmCostModel"/>).</summary>
    static abstract GemmCostModel CostModel { get; }

    /// <summary>True when aRowStride may be other than 1 (an unpacked row-major A can be read in place).</summary>
    static abstract bool SupportsRowStridedA { get; }

    /// <summary>Computes one tile; see the interface remarks for layout and update rule.</summary>
    static abstract void Run(int depth, T* a, nint aRowStride, nint aDepthStride, T* b, nint bDepthStride,
        T alpha, T beta, T* c, nint cRowStride, int rows, int columns);

    /// <summary>True when the kernel implements <see cref="RunTransposedC"/>.</summary>
    static virtual bool SupportsTransposedC => false;

    /// <summary>
    /// As <see cref="Run"/>, storing the tile transposed: element (i, j) at c[j · cColumnStride + i] (for plans that
    /// compute Cᵀ = op(B)ᵀ · op(A)ᵀ into a row-major C, <see cref="GemmPlan.TransposedC"/>), with the same update rule
    /// and rounding. Only for kernels whose <see cref="SupportsTransposedC"/> is true.
    /// </summary>
    static virtual void RunTransposedC(int depth, T* a, nint aRowStride, nint aDepthStride, T* b, nint bDepthStride,
        T alpha, T beta, T* c, nint cColumnStride, int rows, int columns)
        => throw new NotSupportedException("This micro-kernel does not store transposed tiles.");
}
