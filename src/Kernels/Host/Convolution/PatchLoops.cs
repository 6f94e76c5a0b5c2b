// Shape legend as in ConvolutionGeometry: x [N, C, H, W], y [N, O, P, Q], L = P·Q output pixels per image,
// R = C·KH·KW taps per output pixel. A group of G images starting at image n₀ is processed at a time.
//   patches   [R, G·L]: patches[(c, i, j), g·L + p·Q + q] = x[n₀ + g, c, p·SH − PadH + i, q·SW − PadW + j] (0 outside)
//   channel-major [O, G·L]: cm[o, g·L + l] = y[n₀ + g, o, l]
// With these, the convolution of the group is one GEMM, y_cm = w · patches, as in Caffe's im2col.
using System.Numerics;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;

namespace ScratchVae.Kernels.Host.Convolution;

/// <summary>
/// Unfolding images into patch columns (im2col), folding columns back into images with addition (col2im, the adjoint),
/// and moving between NCHW and channel-major layouts, for one image group on the calling thread (the backend runs
/// groups in parallel); and the per-channel bias and sum as chunked jobs. Every order of additions depends only on the
/// geometry, never on the thread count.
/// </summary>
internal static unsafe class PatchLoops
{
    /// <summary>
    /// Unfolds images n₀ … n₀ + G − 1 of x into patches [R, G·L], on the calling thread. The output rows and columns that a
    /// tap (i, j) sees inside the image are worked out once per tap, so the inner loops only copy (or gather, for a stride
    /// above 1) and zero the padding.
    /// </summary>
    public static void Unfold<T>(in ConvolutionGeometry g, T* x, int firstImage, int images, T* patches) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth, outputPixels = outputHeight * outputWidth;
        int kernelPixels = g.KernelHeight * g.KernelWidth, imagePixels = g.InputHeight * g.InputWidth;
        long groupColumns = (long)images * outputPixels;
        for (int r = 0; r < g.PatchLength; r++)
        {
            int c = r / kernelPixels, i = r % kernelPixels / g.KernelWidth, j = r % g.KernelWidth;
            var (pFirst, pLast) = Inside(i, g.PaddingHeight, g.StrideHeight, g.InputHeight, outputHeight);
            var (qFirst, qLast) = Inside(j, g.PaddingWidth, g.StrideWidth, g.InputWidth, outputWidth);
            int count = qLast - qFirst, w0 = qFirst * g.StrideWidth - g.PaddingWidth + j;
            T* row = patches + r * groupColumns;
            for (int image = 0; image < images; image++)
            {
                T* plane = x + ((long)(firstImage + image) * g.InputChannels + c) * imagePixels;
                T* to = row + (long)image * outputPixels;
                new Span<T>(to, pFirst * outputWidth).Clear();
                new Span<T>(to + pLast * outputWidth, (outputHeight - pLast) * outputWidth).Clear();
                for (int p = pFirst; p < pLast; p++)
                {
                    T* line = plane + (p * g.StrideHeight - g.PaddingHeight + i) * g.InputWidth + w0;
                    T* target = to + p * outputWidth;
                    for (int q = 0; q < qFirst; q++) target[q] = T.Zero;
                    if (g.StrideWidth == 1) new ReadOnlySpan<T>(line, count).CopyTo(new Span<T>(target + qFirst, count));
                    else for (int t = 0, w = 0; t < count; t++, w += g.StrideWidth) target[qFirst + t] = line[w];
                    for (int q = qLast; q < outputWidth; q++) target[q] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>, on the calling thread: dx[n₀ + g, c, h, w] (+)= Σ over taps (i, j) in increasing
    /// order and pixels (p, q) that see (h, w) of patches[(c, i, j), g·L + p·Q + q].
    /// </summary>
    public static void Fold<T>(in ConvolutionGeometry g, T* patches, int firstImage, int images, T* dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth, outputPixels = outputHeight * outputWidth;
        int imagePixels = g.InputHeight * g.InputWidth;
        long groupColumns = (long)images * outputPixels;
        for (int image = 0; image < images; image++)
        {
            for (int c = 0; c < g.InputChannels; c++)
            {
                T* target = dx + ((long)(firstImage + image) * g.InputChannels + c) * imagePixels;
                if (!accumulate) new Span<T>(target, imagePixels).Clear();
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    var (pFirst, pLast) = Inside(i, g.PaddingHeight, g.StrideHeight, g.InputHeight, outputHeight);
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        var (qFirst, qLast) = Inside(j, g.PaddingWidth, g.StrideWidth, g.InputWidth, outputWidth);
                        int count = qLast - qFirst, w0 = qFirst * g.StrideWidth - g.PaddingWidth + j;
                        int r = (c * g.KernelHeight + i) * g.KernelWidth + j;
                        T* from = patches + r * groupColumns + (long)image * outputPixels;
                        for (int p = pFirst; p < pLast; p++)
                        {
                            T* line = target + (p * g.StrideHeight - g.PaddingHeight + i) * g.InputWidth + w0;
                            T* source = from + p * outputWidth + qFirst;
                            if (g.StrideWidth == 1) ElementwiseLoops.AddInto(source, line, count);
                            else for (int t = 0, w = 0; t < count; t++, w += g.StrideWidth) line[w] += source[t];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The output positions [first, last) whose input coordinate position·stride − padding + tap lies in [0, size), for
    /// one tap; an empty range when none does.
    /// </summary>
    private static (int First, int Last) Inside(int tap, int padding, int stride, int size, int outputs)
    {
        int first = Math.Max(0, CeilingDivide(padding - tap, stride));
        int last = Math.Min(outputs, CeilingDivide(size + padding - tap, stride));
        return last < first ? (first, first) : (first, last);
    }

    /// <summary>
    /// Between NCHW and channel-major for a group of images, on the calling thread: cm[o, g·L + l] = t[n₀ + g, o, l]
    /// (<paramref name="toChannelMajor"/>), or the reverse.
    /// </summary>
    public static void Transpose<T>(T* tensor, T* channelMajor, int channels, int pixels, int firstImage, int images, bool toChannelMajor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < channels; o++)
        {
            for (int image = 0; image < images; image++)
            {
                T* cm = channelMajor + ((long)o * images + image) * pixels;
                T* nchw = tensor + ((long)(firstImage + image) * channels + o) * pixels;
                if (toChannelMajor) new ReadOnlySpan<T>(nchw, pixels).CopyTo(new Span<T>(cm, pixels));
                else new ReadOnlySpan<T>(cm, pixels).CopyTo(new Span<T>(nchw, pixels));
            }
        }
    }

    /// <summary>x[n, c, s] += bias[c]; one chunk per block of (image, channel) planes.</summary>
    public readonly struct ChannelBias<T>(T* x, T* bias, int channels, int pixels, int planes, int planesPerChunk) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int end = Math.Min(planes, (index + 1) * planesPerChunk);
            for (int plane = index * planesPerChunk; plane < end; plane++)
            {
                T* row = x + (long)plane * pixels;
                ElementwiseLoops.ZipWithScalar<T, Operators.Add>(row, bias[plane % channels], row, pixels, accumulate: false);
            }
        }
    }

    /// <summary>y[c] (+)= Σ_n (Σ_s x[n, c, s]): each plane summed in ReductionLoops.Sum's order, planes added by n; one chunk per block of channels.</summary>
    public readonly struct ChannelSum<T>(T* x, int batch, int channels, int pixels, T* y, bool accumulate, int channelsPerChunk) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int end = Math.Min(channels, (index + 1) * channelsPerChunk);
            for (int c = index * channelsPerChunk; c < end; c++)
            {
                T sum = T.Zero;
                for (int n = 0; n < batch; n++) sum += ReductionLoops.Sum(x + ((long)n * channels + c) * pixels, pixels);
                y[c] = accumulate ? y[c] + sum : sum;
            }
        }
    }

    /// <summary>⌈a / b⌉ for b &gt; 0 and any sign of a.</summary>
    public static int CeilingDivide(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
