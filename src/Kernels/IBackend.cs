using System.Numerics;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels;

/// <summary>
/// The primitives every device implements, over flat row-major buffers of float or double.
/// Shape legend used in the comments: a matrix "rows × columns" is stored row by row, element (i, j) at
/// i · columns + j. Every primitive validates its arguments (lengths, ownership, disposal) and throws an
/// exception naming the primitive and the sizes involved.
/// Calls are ordered: a later primitive sees the results of earlier ones. Reading to the host synchronises.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>The device name users type: "host", "cuda", "opencl" or "ilgpu-cpu".</summary>
    string Name { get; }

    /// <summary>A human-readable description of the hardware, e.g. "NVIDIA H100 (80 GB)" or "host: 2 threads, AVX-512".</summary>
    string Description { get; }

    /// <summary>Allocates an uninitialised buffer of <paramref name="length"/> elements.</summary>
    DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Copies host memory into <paramref name="destination"/> starting at element <paramref name="destinationOffset"/>.</summary>
    void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, int destinationOffset = 0) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Copies destination.Length elements of <paramref name="source"/>, from <paramref name="sourceOffset"/>, to host memory. Waits for pending work.</summary>
    void Download<T>(DeviceBuffer<T> source, int sourceOffset, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Waits until all submitted work has finished.</summary>
    void Synchronize();

    // ---- GEMM -----------------------------------------------------------------------------------

    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C, with op(X) = X or Xᵀ. C is m × n; op(A) is m × k, so A is stored
    /// m × k, or k × m when <paramref name="transposeA"/>; op(B) is k × n, so B is stored k × n, or n × k when
    /// <paramref name="transposeB"/>. All three are contiguous row-major. When beta is 0, C is not read
    /// (NaNs in it do not propagate), as in BLAS.
    /// </summary>
    void Gemm<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---- 2-D convolution over NCHW tensors (see ConvolutionGeometry for the shape legend) ---------------

    /// <summary>
    /// y[n, o, p, q] = Σ_c Σ_i Σ_j w[o, c, i, j] · x[n, c, p·SH − PadH + i, q·SW − PadW + j], where x outside the image
    /// reads as 0 (PyTorch's F.conv2d without bias; add it with <see cref="AddChannelBias{T}"/>). x [N, C, H, W],
    /// w [O, C, KH, KW], y [N, O, P, Q]; y is overwritten.
    /// </summary>
    void Conv2d<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> weight, DeviceBuffer<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The gradient of <see cref="Conv2d{T}"/> with respect to its input: dx[n, c, h, w] (+)= Σ over every (o, i, j, p, q)
    /// with h = p·SH − PadH + i and w = q·SW − PadW + j of w[o, c, i, j] · dy[n, o, p, q]. The same sum is the forward pass
    /// of a transposed convolution (F.conv_transpose2d) whose weight [in = O, out = C, KH, KW] is w.
    /// Overwrites dx, or adds into it when <paramref name="accumulate"/>.
    /// </summary>
    void Conv2dBackwardInput<T>(ConvolutionGeometry geometry, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weight, DeviceBuffer<T> inputGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The gradient of <see cref="Conv2d{T}"/> with respect to its weight: dw[o, c, i, j] (+)= Σ_n Σ_p Σ_q
    /// dy[n, o, p, q] · x[n, c, p·SH − PadH + i, q·SW − PadW + j] (x outside the image is 0), in a fixed order.
    /// Overwrites dw, or adds into it when <paramref name="accumulate"/>.
    /// </summary>
    void Conv2dBackwardWeight<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weightGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>A per-channel bias in place: x[n, c, s] += bias[c] over x [N, C, S] (S = the pixels of a channel).</summary>
    void AddChannelBias<T>(DeviceBuffer<T> x, DeviceBuffer<T> bias, int batch, int channels, int pixels)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The per-channel sum, a convolution's bias gradient: y[c] (+)= Σ_n Σ_s x[n, c, s] over x [N, C, S], in a fixed order.
    /// </summary>
    void SumPerChannel<T>(DeviceBuffer<T> x, int batch, int channels, int pixels, DeviceBuffer<T> y, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---- elementwise maps -----------------------------------------------------------------------

    /// <summary>y[i] = f(x[i]) for i &lt; length. y may be x.</summary>
    void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, int length)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator;

    /// <summary>
    /// The backward pass of a map: dx[i] = dy[i] · f'(x[i], y[i]), or dx[i] += … when <paramref name="accumulate"/>.
    /// y holds the forward output f(x).
    /// </summary>
    void MapBackward<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> dy, DeviceBuffer<T> dx, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator;

    /// <summary>
    /// c[i, j] = f(a[i, j], b') over a rows × columns, with b' = b[i, j], b[j], b[i] or b[0] per <paramref name="broadcast"/>.
    /// c may be a. When <paramref name="accumulate"/>, c[i, j] += f(…) instead.
    /// </summary>
    void Zip<T, TOperator>(DeviceBuffer<T> a, DeviceBuffer<T> b, DeviceBuffer<T> c, int rows, int columns, Broadcast broadcast, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator;

    /// <summary>y[i] = alpha · x[i] + beta · y[i] for i &lt; length; when beta is 0, y is not read.</summary>
    void Axpby<T>(T alpha, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y, int length) where T : unmanaged, IFloatingPointIeee754<T>;

    // ---- reductions (fixed order: the same inputs give the same bits on every run) ----------------

    /// <summary>Sum over the rows of a rows × columns matrix: y[j] (+)= Σᵢ x[i, j]; y has <paramref name="columns"/> elements (a bias gradient).</summary>
    void SumOverRows<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Sum over the columns of a rows × columns matrix: y[i] (+)= Σⱼ x[i, j]; y has <paramref name="rows"/> elements (one per example).</summary>
    void SumOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Sum of everything: y[0] (+)= Σᵢ x[i] for i &lt; length.</summary>
    void SumAll<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Sum of squares: y[0] (+)= Σᵢ x[i]² for i &lt; length (the squared L2 norm, for clipping gradients by their global
    /// norm), in the same fixed order as <see cref="SumAll{T}"/>. An empty sum is 0.
    /// </summary>
    void SumOfSquares<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Maximum over the columns: y[i] = maxⱼ x[i, j] (for a stable log-sum-exp).</summary>
    void MaxOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    // ---- memory ---------------------------------------------------------------------------------

    /// <summary>x[offset + i] = value for i &lt; length.</summary>
    void Fill<T>(DeviceBuffer<T> x, int offset, int length, T value) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>destination[destinationOffset + i] = source[sourceOffset + i] for i &lt; length (non-overlapping).</summary>
    void Copy<T>(DeviceBuffer<T> source, int sourceOffset, DeviceBuffer<T> destination, int destinationOffset, int length) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Strided block copy: destination[dOff + i · dStride + j] = source[sOff + i · sStride + j] for i &lt; rows,
    /// j &lt; columns (slicing and concatenating along the feature axis). When <paramref name="accumulate"/>, adds.
    /// </summary>
    void Copy2D<T>(int rows, int columns, DeviceBuffer<T> source, int sourceOffset, int sourceStride,
        DeviceBuffer<T> destination, int destinationOffset, int destinationStride, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>;

    // ---- fused passes ---------------------------------------------------------------------------

    /// <summary>y[i, j] = f(x[i, j] + bias[j]) over rows × columns: a linear layer's bias and activation in one pass. y may be x.</summary>
    void BiasActivation<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> bias, DeviceBuffer<T> y, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator;

    /// <summary>
    /// Binary cross-entropy from logits l against targets t ∈ [0, 1], in the stable form
    /// ℓ = max(l, 0) − l·t + log(1 + e^−|l|), over rows × columns. When <paramref name="lossPerRow"/> is given,
    /// lossPerRow[i] = Σⱼ ℓ[i, j] (fixed order). When <paramref name="gradient"/> is given,
    /// gradient[i, j] = gradientScale · (sigmoid(l[i, j]) − t[i, j]) (dℓ/dl), added when <paramref name="accumulateGradient"/>.
    /// </summary>
    void BceWithLogits<T>(DeviceBuffer<T> logits, DeviceBuffer<T> targets, int rows, int columns,
        DeviceBuffer<T>? lossPerRow, DeviceBuffer<T>? gradient, T gradientScale, bool accumulateGradient = false) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// One Adam (or, with <see cref="AdamSettings.DecoupledWeightDecay"/>, AdamW) step over a parameter buffer, in place on
    /// parameters, m and v (see <see cref="AdamSettings"/>); the gradients are only read.
    /// </summary>
    void AdamUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T> firstMoment, DeviceBuffer<T> secondMoment, int length, AdamSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// One SGD step over a parameter buffer, in place on parameters and the momentum buffer b (see <see cref="SgdSettings"/>):
    /// g = gradient + λθ; with momentum, b = g (first step) or μ b + (1 − dampening) g, then g = g + μ b (Nesterov) or b;
    /// θ = θ − lr · g. The gradients are only read. <paramref name="momentumBuffer"/> may be null only when the momentum is 0.
    /// </summary>
    void SgdUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T>? momentumBuffer, int length, SgdSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---- randomness (Philox4x32-10, see Random.RandomStreams for the exact mapping) -----------------

    /// <summary>x[offset + i] = uniform (0, 1] number i of the stream (seed, counterOffset).</summary>
    void UniformFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>x[offset + i] = mean + standardDeviation · (normal number i of the stream (seed, counterOffset)).</summary>
    void NormalFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset, T mean, T standardDeviation) where T : unmanaged, IFloatingPointIeee754<T>;
}
