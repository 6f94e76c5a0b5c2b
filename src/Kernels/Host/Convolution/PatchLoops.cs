// Shape legend as in ConvolutionGeometry: x [N, C, H, W], y [N, O, P, Q], L = P·Q output pixels per image,
// R = C·KH·KW taps per output pixel. A group of G images starting at image n₀ is processed at a time.
//   patches   [R, G·L]: patches[(c, i, j), g·L + p·Q + q] = x[n₀ + g, c, p·SH − PadH + i, q·SW − PadW + j] (0 outside)
//   channel-major [O, G·L]: cm[o, g·L + l] = y[n₀ + g, o, l]
// With these, the convolution of the group is one GEMM, y_cm = w · patches, as in Caffe's im2col.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
    /// Unfolds images n₀ … n₀ + G − 1 of x into patches [R, G·L], on the calling thread, plane by plane: each channel of an
    /// image is copied once into a zero-padded plane, from which every tap (i, j) reads its output rows at
    /// (p·S + i, j + q·S) without bounds checks (a vector shuffle for stride 2). <paramref name="patches"/> needs
    /// <see cref="ConvolutionScratch.Slack"/> elements of slack.
    /// </summary>
    public static void Unfold<T>(in ConvolutionGeometry g, T* x, int firstImage, int images, T* patches, ConvolutionScratch scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth, outputPixels = outputHeight * outputWidth;
        int imagePixels = g.InputHeight * g.InputWidth, rowLength = PaddedRowLength(g), planeRows = PaddedPlaneRows(g);
        long groupColumns = (long)images * outputPixels;
        T* plane = scratch.Rows<T>((long)rowLength * planeRows);
        // The padding stays zero; only the inside is rewritten for each channel.
        new Span<T>(plane, rowLength * planeRows).Clear();
        T* inside = plane + g.PaddingHeight * rowLength + g.PaddingWidth;
        for (int image = 0; image < images; image++)
        {
            for (int c = 0; c < g.InputChannels; c++)
            {
                T* channel = x + ((long)(firstImage + image) * g.InputChannels + c) * imagePixels;
                for (int h = 0; h < g.InputHeight; h++)
                    new ReadOnlySpan<T>(channel + h * g.InputWidth, g.InputWidth).CopyTo(new Span<T>(inside + h * rowLength, g.InputWidth));
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    long rowOffset = (long)(c * g.KernelHeight + i) * g.KernelWidth * groupColumns;
                    for (int p = 0; p < outputHeight; p++)
                    {
                        T* source = plane + (p * g.StrideHeight + i) * rowLength;
                        // What is left of this row of patches from the target on: a whole-vector store may not pass its end.
                        long offset = (long)image * outputPixels + p * outputWidth;
                        int room = (int)Math.Min(int.MaxValue, groupColumns - offset);
                        T* target = patches + rowOffset + offset;
                        for (int j = 0; j < g.KernelWidth; j++, target += groupColumns)
                            Gather(source + j, g.StrideWidth, target, outputWidth, room);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>, on the calling thread: dx[n₀ + g, c, h, w] (+)= Σ over taps (i, j) and pixels
    /// (p, q) that see (h, w) of patches[(c, i, j), g·L + p·Q + q]. Each channel of an image collects its taps in a zero-padded
    /// plane (taps (i, j) and rows p in increasing order), whose inside then goes to dx.
    /// </summary>
    public static void Fold<T>(in ConvolutionGeometry g, T* patches, int firstImage, int images, T* dx, bool accumulate, ConvolutionScratch scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth, outputPixels = outputHeight * outputWidth;
        int imagePixels = g.InputHeight * g.InputWidth, rowLength = PaddedRowLength(g), planeRows = PaddedPlaneRows(g);
        long groupColumns = (long)images * outputPixels;
        T* plane = scratch.Rows<T>((long)rowLength * planeRows);
        T* inside = plane + g.PaddingHeight * rowLength + g.PaddingWidth;
        for (int image = 0; image < images; image++)
        {
            for (int c = 0; c < g.InputChannels; c++)
            {
                new Span<T>(plane, rowLength * planeRows).Clear();
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    T* from = patches + (long)(c * g.KernelHeight + i) * g.KernelWidth * groupColumns + (long)image * outputPixels;
                    for (int j = 0; j < g.KernelWidth; j++, from += groupColumns)
                        for (int p = 0; p < outputHeight; p++)
                            ScatterAdd(from + p * outputWidth, outputWidth, plane + (p * g.StrideHeight + i) * rowLength + j, g.StrideWidth);
                }
                T* target = dx + ((long)(firstImage + image) * g.InputChannels + c) * imagePixels;
                for (int h = 0; h < g.InputHeight; h++)
                {
                    if (accumulate) ElementwiseLoops.AddInto(inside + h * rowLength, target + h * g.InputWidth, g.InputWidth);
                    else new ReadOnlySpan<T>(inside + h * rowLength, g.InputWidth).CopyTo(new Span<T>(target + h * g.InputWidth, g.InputWidth));
                }
            }
        }
    }

    // The rows of the padded plane: the padded image, H + 2·PadH, and every output row's taps, (P − 1)·S + KH.
    private static int PaddedPlaneRows(in ConvolutionGeometry g) =>
        Math.Max(g.InputHeight + 2 * g.PaddingHeight, (g.OutputHeight - 1) * g.StrideHeight + g.KernelHeight);

    // A padded row long enough for every tap's reads, (Q − 1)·S + KW, and for the padded image row, W + 2·PadW.
    private static int PaddedRowLength(in ConvolutionGeometry g) =>
        Math.Max(g.InputWidth + 2 * g.PaddingWidth, (g.OutputWidth - 1) * g.StrideWidth + g.KernelWidth);

    // Even lanes of a vector: the stride-2 gather in one shuffle (Vector512.Shuffle gives 0 for an out-of-range index).
    private static readonly Vector512<int> EvenLanes512 = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 16, 16, 16, 16, 16, 16, 16);
    private static readonly Vector256<int> EvenLanes256 = Vector256.Create(0, 2, 4, 6, 8, 8, 8, 8);
    // The inverse: value k to lane 2k, zeros between.
    private static readonly Vector512<int> SpreadLanes512 = Vector512.Create(0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16);
    private static readonly Vector256<int> SpreadLanes256 = Vector256.Create(0, 8, 1, 8, 2, 8, 3, 8);
    private static readonly Vector512<int> LaneIndices512 = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    private static readonly Vector256<int> LaneIndices256 = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

    /// <summary>
    /// target[q] = source[q · stride] for q &lt; count. source must be readable 2·V elements past its last read. A stride-2
    /// float gather stores whole vectors while they fit in the <paramref name="room"/> elements from target on, so it may
    /// write zeros past target[count]: the unfolding fills a row of patches in increasing order, so later writes replace them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather<T>(T* source, int stride, T* target, int count, int room) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (stride == 1)
        {
            new ReadOnlySpan<T>(source, count).CopyTo(new Span<T>(target, count));
            return;
        }
        int q = 0;
        if (typeof(T) == typeof(float) && stride == 2)
        {
            float* from = (float*)source, to = (float*)target;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; q < count && q + 16 <= room; q += 8)
                    Vector512.Shuffle(Vector512.Load(from + 2 * q), EvenLanes512).Store(to + q);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; q < count && q + 8 <= room; q += 4)
                    Vector256.Shuffle(Vector256.Load(from + 2 * q), EvenLanes256).Store(to + q);
            }
        }
        for (; q < count; q++) target[q] = source[q * stride];
    }

    /// <summary>row[q · stride] += source[q] for q &lt; count; source and row must be readable 2·V elements past their last use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterAdd<T>(T* source, int count, T* row, int stride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (stride == 1)
        {
            ElementwiseLoops.AddInto(source, row, count);
            return;
        }
        int q = 0;
        if (typeof(T) == typeof(float) && stride == 2)
        {
            float* from = (float*)source, to = (float*)row;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; q < count; q += 8)
                {
                    // Lanes past count are zeroed before spreading, so they add nothing.
                    var values = Vector512.ConditionalSelect(Vector512.LessThan(LaneIndices512, Vector512.Create(count - q)).AsSingle(), Vector512.Load(from + q), Vector512<float>.Zero);
                    (Vector512.Load(to + 2 * q) + Vector512.Shuffle(values, SpreadLanes512)).Store(to + 2 * q);
                }
                return;
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; q < count; q += 4)
                {
                    var values = Vector256.ConditionalSelect(Vector256.LessThan(LaneIndices256, Vector256.Create(count - q)).AsSingle(), Vector256.Load(from + q), Vector256<float>.Zero);
                    (Vector256.Load(to + 2 * q) + Vector256.Shuffle(values, SpreadLanes256)).Store(to + 2 * q);
                }
                return;
            }
        }
        for (; q < count; q++) row[q * stride] += source[q];
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
