// Shape legend as in ConvolutionGeometry: x [N, C, H, W], y [N, O, P, Q], L = P·Q output pixels per image,
// R = C·KH·KW taps per output pixel. A group of G images starting at image n₀ is processed at a time.
//   patches   [R, G·L]: patches[(c, i, j), g·L + p·Q + q] = x[n₀ + g, c, p·SH − PadH + i, q·SW − PadW + j] (0 outside)
//   channel-major [O, G·L]: cm[o, g·L + l] = y[n₀ + g, o, l]
// With these, the convolution of the group is one GEMM, y_cm = w · patches, as in Caffe's im2col.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;
using ScratchVae.Kernels.Operators;

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
    /// image is copied once into a zero-padded plane, and every tap (i, j) then gathers its L outputs from that plane at
    /// (i, j) + offset[l], with offset[p·Q + q] = p·SH·rowLength + q·SW the same table for every tap. One gather of L
    /// elements per tap, rather than one short copy per output row: the conv VAE's 7 × 7 outputs made rows of 7, and the
    /// per-row overhead cost as much as the GEMM (docs/perf-notes.md, "Convolution").
    /// </summary>
    public static void Unfold<T>(in ConvolutionGeometry g, T* x, int firstImage, int images, T* patches, ConvolutionScratch scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outputPixels = g.OutputHeight * g.OutputWidth, imagePixels = g.InputHeight * g.InputWidth;
        int rowLength = PaddedRowLength(g), planeRows = PaddedPlaneRows(g);
        long groupColumns = (long)images * outputPixels;
        T* plane = scratch.Rows<T>((long)rowLength * planeRows);
        int* offsets = Offsets(g, rowLength, scratch);
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
                T* target = patches + (long)c * g.KernelHeight * g.KernelWidth * groupColumns + (long)image * outputPixels;
                for (int i = 0; i < g.KernelHeight; i++)
                    for (int j = 0; j < g.KernelWidth; j++, target += groupColumns)
                        Gather(plane + i * rowLength + j, offsets, target, outputPixels);
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>, on the calling thread: dx[n₀ + g, c, h, w] (+)= Σ over taps (i, j) and pixels
    /// (p, q) that see (h, w) of patches[(c, i, j), g·L + p·Q + q], as a gather: every input pixel sums its own taps, in
    /// increasing (i, j), from a table of where they are (<see cref="FoldTable"/>), and each sum is written once. (A
    /// scatter of every tap into a padded plane gives the same bits, its additions being in the same order, but ran at
    /// half the speed: docs/perf-notes.md, "Convolution".)
    /// </summary>
    public static void Fold<T>(in ConvolutionGeometry g, T* patches, int firstImage, int images, T* dx, bool accumulate, ConvolutionScratch scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outputPixels = g.OutputHeight * g.OutputWidth, imagePixels = g.InputHeight * g.InputWidth;
        long groupColumns = (long)images * outputPixels;
        int* table = FoldTable(g, groupColumns, scratch, out int slots);
        long channelStride = (long)g.KernelHeight * g.KernelWidth * groupColumns;
        for (int image = 0; image < images; image++)
        {
            for (int c = 0; c < g.InputChannels; c++)
            {
                T* from = patches + c * channelStride + (long)image * outputPixels;
                T* target = dx + ((long)(firstImage + image) * g.InputChannels + c) * imagePixels;
                SumTaps(from, table, slots, imagePixels, target, accumulate);
            }
        }
    }

    /// <summary>
    /// The fold's table, slot-major: table[k·H·W + h·W + w] is where, from the patches of one image channel, input pixel
    /// (h, w) finds its k-th tap, or −1 where it has none. Pixel (h, w) is seen by the taps i ≡ h + PadH (mod SH), at
    /// most ⌈KH / SH⌉ of them, and likewise in width; slot k = a·⌈KW / SW⌉ + b holds tap (i₀ + a·SH, j₀ + b·SW), so the
    /// slots run through the taps in increasing (i, j). The offset of tap (i, j) at pixel (p, q) is
    /// (i·KW + j)·G·L + p·Q + q. The thread keeps the last table it built. Offsets must fit an int (the patches are sized for a cache, far below that).
    /// </summary>
    private static int* FoldTable(in ConvolutionGeometry g, long groupColumns, ConvolutionScratch scratch, out int slots)
    {
        int rows = CeilingDivide(g.KernelHeight, g.StrideHeight), columns = CeilingDivide(g.KernelWidth, g.StrideWidth);
        int imagePixels = g.InputHeight * g.InputWidth;
        slots = rows * columns;
        // Built once per geometry and group width on each thread, then reused: building costs more than folding a small group.
        int* table = scratch.FoldTable(g, groupColumns, (long)slots * imagePixels, out bool fresh);
        if (!fresh) return table;
        for (int h = 0; h < g.InputHeight; h++)
        {
            int firstI = Modulo(h + g.PaddingHeight, g.StrideHeight);
            for (int w = 0; w < g.InputWidth; w++)
            {
                int firstJ = Modulo(w + g.PaddingWidth, g.StrideWidth);
                for (int a = 0; a < rows; a++)
                {
                    int i = firstI + a * g.StrideHeight, p = (h + g.PaddingHeight - i) / g.StrideHeight;
                    for (int b = 0; b < columns; b++)
                    {
                        int j = firstJ + b * g.StrideWidth, q = (w + g.PaddingWidth - j) / g.StrideWidth;
                        bool seen = i < g.KernelHeight && j < g.KernelWidth && h + g.PaddingHeight - i >= 0 && w + g.PaddingWidth - j >= 0
                            && p < g.OutputHeight && q < g.OutputWidth;
                        table[(long)(a * columns + b) * imagePixels + h * g.InputWidth + w] =
                            seen ? checked((int)((i * g.KernelWidth + j) * groupColumns + p * g.OutputWidth + q)) : -1;
                    }
                }
            }
        }
        return table;
    }

    /// <summary>
    /// target[s] (+)= Σ_k source[table[k·count + s]] over the slots k in order, skipping −1, for s &lt; count: AVX2's masked
    /// gather eight floats (four doubles) at a time where it runs, its masked lanes adding +0, which changes no sum.
    /// </summary>
    private static void SumTaps<T>(T* source, int* table, int slots, int count, T* target, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int s = 0;
        if (Avx2.IsSupported && typeof(T) == typeof(float))
        {
            float* from = (float*)source, to = (float*)target;
            for (; s + 8 <= count; s += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int k = 0; k < slots; k++)
                {
                    var index = Vector256.Load(table + (long)k * count + s);
                    var mask = Vector256.GreaterThanOrEqual(index, Vector256<int>.Zero).AsSingle();
                    sum += Avx2.GatherMaskVector256(Vector256<float>.Zero, from, index, mask, 4);
                }
                if (accumulate) sum = Vector256.Load(to + s) + sum;
                sum.Store(to + s);
            }
        }
        else if (Avx2.IsSupported && typeof(T) == typeof(double))
        {
            double* from = (double*)source, to = (double*)target;
            for (; s + 4 <= count; s += 4)
            {
                var sum = Vector256<double>.Zero;
                for (int k = 0; k < slots; k++)
                {
                    var index = Vector128.Load(table + (long)k * count + s);
                    var mask = Vector256.GreaterThanOrEqual(Avx2.ConvertToVector256Int64(index), Vector256<long>.Zero).AsDouble();
                    sum += Avx2.GatherMaskVector256(Vector256<double>.Zero, from, index, mask, 8);
                }
                if (accumulate) sum = Vector256.Load(to + s) + sum;
                sum.Store(to + s);
            }
        }
        for (; s < count; s++)
        {
            T sum = T.Zero;
            for (int k = 0; k < slots; k++)
            {
                int index = table[(long)k * count + s];
                if (index >= 0) sum += source[index];
            }
            target[s] = accumulate ? target[s] + sum : sum;
        }
    }

    private static int Modulo(int a, int b) => ((a % b) + b) % b;

    // The rows of the padded plane: the padded image, H + 2·PadH, and every output row's taps, (P − 1)·S + KH.
    private static int PaddedPlaneRows(in ConvolutionGeometry g) =>
        Math.Max(g.InputHeight + 2 * g.PaddingHeight, (g.OutputHeight - 1) * g.StrideHeight + g.KernelHeight);

    // A padded row long enough for every tap's reads, (Q − 1)·S + KW, and for the padded image row, W + 2·PadW.
    private static int PaddedRowLength(in ConvolutionGeometry g) =>
        Math.Max(g.InputWidth + 2 * g.PaddingWidth, (g.OutputWidth - 1) * g.StrideWidth + g.KernelWidth);

    // offset[p·Q + q] = p·SH·rowLength + q·SW: where output pixel (p, q) of tap (0, 0) reads the padded plane.
    private static int* Offsets(in ConvolutionGeometry g, int rowLength, ConvolutionScratch scratch)
    {
        int* offsets = scratch.Offsets(g.OutputHeight * g.OutputWidth);
        for (int p = 0, l = 0; p < g.OutputHeight; p++)
            for (int q = 0; q < g.OutputWidth; q++, l++)
                offsets[l] = p * g.StrideHeight * rowLength + q * g.StrideWidth;
        return offsets;
    }

    /// <summary>target[l] = source[offset[l]] for l &lt; count: AVX2's gather eight floats (four doubles) at a time where it runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather<T>(T* source, int* offsets, T* target, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int l = 0;
        if (Avx2.IsSupported)
        {
            if (typeof(T) == typeof(float))
                for (; l + 8 <= count; l += 8)
                    Avx2.GatherVector256((float*)source, Vector256.Load(offsets + l), 4).Store((float*)target + l);
            else if (typeof(T) == typeof(double))
                for (; l + 4 <= count; l += 4)
                    Avx2.GatherVector256((double*)source, Vector128.Load(offsets + l), 8).Store((double*)target + l);
        }
        for (; l < count; l++) target[l] = source[offsets[l]];
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
                ElementwiseLoops.ZipWithScalar<T, AddOperator>(row, bias[plane % channels], row, pixels, accumulate: false);
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
