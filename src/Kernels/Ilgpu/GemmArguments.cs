using System.Numerics;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// The scalar arguments of a GEMM kernel, C = alpha · op(A) · op(B) + beta · C, packed into one kernel parameter.
/// Flags are ints rather than bools because GPU kernel parameters are passed as plain memory.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct GemmArguments<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Packs the arguments (<paramref name="splits"/> k-ranges of <paramref name="depthPerSplit"/>; by default one range,
    /// all of k; <paramref name="sumSplitsInKernel"/>: see <see cref="SumSplitsInKernel"/>).
    /// </summary>
    public GemmArguments(int m, int n, int k, bool transposeA, bool transposeB, T alpha, T beta, int splits = 1, int depthPerSplit = -1, bool sumSplitsInKernel = false)
    {
        SumSplitsInKernel = sumSplitsInKernel ? 1 : 0;
        Splits = splits;
        DepthPerSplit = depthPerSplit < 0 ? k : depthPerSplit;
        M = m;
        N = n;
        K = k;
        TransposeA = transposeA ? 1 : 0;
        TransposeB = transposeB ? 1 : 0;
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>Rows of C and of op(A).</summary>
    public int M { get; }

    /// <summary>Columns of C and of op(B).</summary>
    public int N { get; }

    /// <summary>Columns of op(A), rows of op(B): the length of every dot product.</summary>
    public int K { get; }

    /// <summary>1 when A is stored k × m (op(A) = Aᵀ), else 0.</summary>
    public int TransposeA { get; }

    /// <summary>1 when B is stored n × k (op(B) = Bᵀ), else 0.</summary>
    public int TransposeB { get; }

    /// <summary>The scale of the product.</summary>
    public T Alpha { get; }

    /// <summary>The scale of the old C; 0 means C is written without being read.</summary>
    public T Beta { get; }

    /// <summary>
    /// How many k-ranges the tiled kernel splits the product into (split-k). With 1, it writes C itself; with more,
    /// group row g of the grid handles k ∈ [s · <see cref="DepthPerSplit"/>, (s + 1) · <see cref="DepthPerSplit"/>)
    /// and writes its partial sums, which are then added in order of s: by the last group to finish each block of C
    /// when <see cref="SumSplitsInKernel"/> is 1, else by a second launch, <see cref="GemmKernels.SumSplits{T}"/>.
    /// </summary>
    public int Splits { get; }

    /// <summary>
    /// 1 when the tiled kernel adds a split product's partial sums itself (<see cref="GemmKernels.FinishSplits{T}"/>),
    /// 0 when <see cref="GemmKernels.SumSplits{T}"/> is launched after it. The bits of C are the same either way.
    /// </summary>
    public int SumSplitsInKernel { get; }

    /// <summary>The depth of each k-range (a multiple of <see cref="GemmKernels.TileDepth"/> when <see cref="Splits"/> &gt; 1).</summary>
    public int DepthPerSplit { get; }
}
