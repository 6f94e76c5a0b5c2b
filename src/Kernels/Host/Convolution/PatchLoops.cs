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
/// and moving between NCHW and channel-major layouts. Each is a chunked job whose order of additions depends only on
/// the geometry, never on the thread count.
/// </summary>
internal static unsafe class PatchLoops
{
    /// <summary>Unfolds images n₀ … n₀ + G − 1 of x into patches [R, G·L]; one chunk per block of rows r = (c, i, j).</summary>
    public readonly struct Unfold<T>(ConvolutionGeometry g, T* x, int firstImage, int images, T* patches, int rowsPerChunk) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int kernelPixels = g.KernelHeight * g.KernelWidth, outputHeight = g.OutputHeight, outputWidth = g.OutputWidth;
            int imagePixels = g.InputHeight * g.InputWidth, outputPixels = outputHeight * outputWidth;
            long groupColumns = (long)images * outputPixels;
            int end = Math.Min(g.PatchLength, (index + 1) * rowsPerChunk);
            for (int r = index * rowsPerChunk; r < end; r++)
            {
                int c = r / kernelPixels, i = r % kernelPixels / g.KernelWidth, j = r % g.KernelWidth;
                T* row = patches + r * groupColumns;
                for (int image = 0; image < images; image++)
                {
                    T* plane = x + ((long)(firstImage + image) * g.InputChannels + c) * imagePixels;
                    T* to = row + (long)image * outputPixels;
                    for (int p = 0; p < outputHeight; p++, to += outputWidth)
                    {
                        int h = p * g.StrideHeight - g.PaddingHeight + i;
                        if ((uint)h >= (uint)g.InputHeight)
                        {
                            new Span<T>(to, outputWidth).Clear();
                            continue;
                        }
                        T* line = plane + h * g.InputWidth;
                        // The output columns q whose input column w = q·SW − PadW + j is inside the image: [first, last).
                        int first = Math.Max(0, CeilingDivide(g.PaddingWidth - j, g.StrideWidth));
                        int last = Math.Min(outputWidth, CeilingDivide(g.InputWidth + g.PaddingWidth - j, g.StrideWidth));
                        if (last < first) last = first;
                        for (int q = 0; q < first; q++) to[q] = T.Zero;
                        int w0 = first * g.StrideWidth - g.PaddingWidth + j;
                        if (g.StrideWidth == 1) new ReadOnlySpan<T>(line + w0, last - first).CopyTo(new Span<T>(to + first, last - first));
                        else for (int q = first, w = w0; q < last; q++, w += g.StrideWidth) to[q] = line[w];
                        for (int q = last; q < outputWidth; q++) to[q] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>: dx[n₀ + g, c, h, w] (+)= Σ over taps (i, j) and pixels (p, q) that see (h, w) of
    /// patches[(c, i, j), g·L + p·Q + q], taps in increasing order. One chunk per block of (image, channel) planes, each
    /// plane written by one thread.
    /// </summary>
    public readonly struct Fold<T>(ConvolutionGeometry g, T* patches, int firstImage, int images, T* dx, bool accumulate, int planesPerChunk) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth, outputPixels = outputHeight * outputWidth;
            int imagePixels = g.InputHeight * g.InputWidth;
            long groupColumns = (long)images * outputPixels;
            int end = Math.Min(images * g.InputChannels, (index + 1) * planesPerChunk);
            for (int plane = index * planesPerChunk; plane < end; plane++)
            {
                int image = plane / g.InputChannels, c = plane % g.InputChannels;
                T* target = dx + ((long)(firstImage + image) * g.InputChannels + c) * imagePixels;
                if (!accumulate) new Span<T>(target, imagePixels).Clear();
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        int r = (c * g.KernelHeight + i) * g.KernelWidth + j;
                        T* from = patches + r * groupColumns + (long)image * outputPixels;
                        int first = Math.Max(0, CeilingDivide(g.PaddingWidth - j, g.StrideWidth));
                        int last = Math.Min(outputWidth, CeilingDivide(g.InputWidth + g.PaddingWidth - j, g.StrideWidth));
                        if (last <= first) continue;
                        for (int p = 0; p < outputHeight; p++)
                        {
                            int h = p * g.StrideHeight - g.PaddingHeight + i;
                            if ((uint)h >= (uint)g.InputHeight) continue;
                            T* line = target + h * g.InputWidth;
                            T* source = from + p * outputWidth;
                            int w0 = first * g.StrideWidth - g.PaddingWidth + j;
                            if (g.StrideWidth == 1) ElementwiseLoops.AddInto(source + first, line + w0, last - first);
                            else for (int q = first, w = w0; q < last; q++, w += g.StrideWidth) line[w] += source[q];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Between NCHW and channel-major for a group of images: cm[o, g·L + l] = t[n₀ + g, o, l] (<paramref name="toChannelMajor"/>),
    /// or the reverse. One chunk per block of (channel, image) blocks of L elements.
    /// </summary>
    public readonly struct Transpose<T>(T* tensor, T* channelMajor, int channels, int pixels, int firstImage, int images, bool toChannelMajor, int blocksPerChunk) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int end = Math.Min(channels * images, (index + 1) * blocksPerChunk);
            for (int block = index * blocksPerChunk; block < end; block++)
            {
                int o = block / images, image = block % images;
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
