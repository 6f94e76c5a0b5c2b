// Shape legend (see ConvolutionGeometry): x [N, C, H, W], w [O, C, KH, KW], y [N, O, P, Q], strides SH × SW,
// paddings PadH × PadW. Output pixel (p, q) sees input pixel (h, w) = (p·SH − PadH + i, q·SW − PadW + j) through tap (i, j).
using System.Numerics;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Direct 2-D convolution kernels over NCHW tensors: one thread per element of the result, each summed by that thread
/// alone in a fixed order (no atomics, no shared memory), so the same inputs give the same bits on every run. Every
/// kernel is grid-stride (see <see cref="ElementwiseKernels"/>). Taps that fall into the zero padding are skipped rather
/// than multiplied by zero; the remaining terms are added in the order each summary states.
/// </summary>
public static class ConvolutionKernels
{
    /// <summary>
    /// y[n, o, p, q] = Σ_c Σ_i Σ_j w[o, c, i, j] · x[n, c, p·SH − PadH + i, q·SW − PadW + j], summed over c, then i, then
    /// j increasing; one thread per output element.
    /// </summary>
    public static void Conv2d<T>(Index1D thread, ArrayView<T> x, ArrayView<T> w, ArrayView<T> y, ConvolutionGeometry geometry, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = geometry.InputChannels, height = geometry.InputHeight, width = geometry.InputWidth;
        int outputChannels = geometry.OutputChannels, kernelHeight = geometry.KernelHeight, kernelWidth = geometry.KernelWidth;
        int outputHeight = geometry.OutputHeight, outputWidth = geometry.OutputWidth;
        long count = (long)geometry.Batch * outputChannels * outputHeight * outputWidth;
        for (long index = thread; index < count; index += stride)
        {
            int q = (int)(index % outputWidth);
            long rest = index / outputWidth;
            int p = (int)(rest % outputHeight);
            rest /= outputHeight;
            int o = (int)(rest % outputChannels);
            int n = (int)(rest / outputChannels);
            // The input row and column of tap (0, 0); taps outside [0, H) × [0, W) read the padding.
            int top = p * geometry.StrideHeight - geometry.PaddingHeight;
            int left = q * geometry.StrideWidth - geometry.PaddingWidth;
            int firstI = Math.Max(0, -top), endI = Math.Min(kernelHeight, height - top);
            int firstJ = Math.Max(0, -left), endJ = Math.Min(kernelWidth, width - left);
            T sum = T.Zero;
            for (int c = 0; c < channels; c++)
            {
                int image = (n * channels + c) * height;
                int taps = (o * channels + c) * kernelHeight;
                for (int i = firstI; i < endI; i++)
                {
                    int inputRow = (image + top + i) * width + left;
                    int weightRow = (taps + i) * kernelWidth;
                    for (int j = firstJ; j < endJ; j++) sum += w[weightRow + j] * x[inputRow + j];
                }
            }
            y[index] = sum;
        }
    }

    /// <summary>
    /// dx[n, c, h, w] (+)= Σ_o Σ_i Σ_j w[o, c, i, j] · dy[n, o, p, q] with p = (h + PadH − i) / SH and
    /// q = (w + PadW − j) / SW wherever both divide exactly and land inside the output; summed over o, then i, then j
    /// increasing; one thread per input element (a gather, so no two threads write the same element). Adds to dx when
    /// <paramref name="accumulate"/> is 1.
    /// </summary>
    public static void Conv2dBackwardInput<T>(Index1D thread, ArrayView<T> dy, ArrayView<T> w, ArrayView<T> dx, ConvolutionGeometry geometry, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = geometry.InputChannels, height = geometry.InputHeight, width = geometry.InputWidth;
        int outputChannels = geometry.OutputChannels, kernelHeight = geometry.KernelHeight, kernelWidth = geometry.KernelWidth;
        int outputHeight = geometry.OutputHeight, outputWidth = geometry.OutputWidth;
        int strideHeight = geometry.StrideHeight, strideWidth = geometry.StrideWidth;
        long count = (long)geometry.Batch * channels * height * width;
        for (long index = thread; index < count; index += stride)
        {
            int column = (int)(index % width);
            long rest = index / width;
            int row = (int)(rest % height);
            rest /= height;
            int c = (int)(rest % channels);
            int n = (int)(rest / channels);
            // Tap i reaches this row from output row p = (row + PadH − i) / SH: only taps i ≡ row + PadH (mod SH) do, the
            // first being (row + PadH) mod SH; p < P holds from i > row + PadH − P·SH on, and p ≥ 0 up to i = row + PadH.
            int paddedRow = row + geometry.PaddingHeight, paddedColumn = column + geometry.PaddingWidth;
            int firstI = FirstTap(paddedRow, strideHeight, outputHeight), endI = Math.Min(kernelHeight, paddedRow + 1);
            int firstJ = FirstTap(paddedColumn, strideWidth, outputWidth), endJ = Math.Min(kernelWidth, paddedColumn + 1);
            T sum = T.Zero;
            for (int o = 0; o < outputChannels; o++)
            {
                int gradientImage = (n * outputChannels + o) * outputHeight;
                int taps = (o * channels + c) * kernelHeight;
                for (int i = firstI; i < endI; i += strideHeight)
                {
                    int gradientRow = (gradientImage + (paddedRow - i) / strideHeight) * outputWidth;
                    int weightRow = (taps + i) * kernelWidth;
                    for (int j = firstJ; j < endJ; j += strideWidth)
                        sum += w[weightRow + j] * dy[gradientRow + (paddedColumn - j) / strideWidth];
                }
            }
            dx[index] = accumulate != 0 ? dx[index] + sum : sum;
        }
    }

    /// <summary>
    /// dw[o, c, i, j] (+)= Σ_n Σ_p Σ_q dy[n, o, p, q] · x[n, c, p·SH − PadH + i, q·SW − PadW + j], summed over n, then p,
    /// then q increasing (pixels in the padding skipped); one thread per weight element. With N = 0 the sum is empty: dw
    /// becomes 0, or stays when <paramref name="accumulate"/> is 1.
    /// </summary>
    public static void Conv2dBackwardWeight<T>(Index1D thread, ArrayView<T> x, ArrayView<T> dy, ArrayView<T> dw, ConvolutionGeometry geometry, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = geometry.Batch, channels = geometry.InputChannels, height = geometry.InputHeight, width = geometry.InputWidth;
        int outputChannels = geometry.OutputChannels, kernelHeight = geometry.KernelHeight, kernelWidth = geometry.KernelWidth;
        int outputHeight = geometry.OutputHeight, outputWidth = geometry.OutputWidth;
        int strideHeight = geometry.StrideHeight, strideWidth = geometry.StrideWidth;
        long count = (long)outputChannels * channels * kernelHeight * kernelWidth;
        for (long index = thread; index < count; index += stride)
        {
            int j = (int)(index % kernelWidth);
            long rest = index / kernelWidth;
            int i = (int)(rest % kernelHeight);
            rest /= kernelHeight;
            int c = (int)(rest % channels);
            int o = (int)(rest / channels);
            // The output rows p whose tap i lands inside the image: 0 ≤ p·SH − PadH + i < H (likewise the columns).
            int offsetRow = i - geometry.PaddingHeight, offsetColumn = j - geometry.PaddingWidth;
            int firstP = FirstInside(offsetRow, strideHeight), endP = EndInside(offsetRow, strideHeight, height, outputHeight);
            int firstQ = FirstInside(offsetColumn, strideWidth), endQ = EndInside(offsetColumn, strideWidth, width, outputWidth);
            T sum = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                int gradientImage = (n * outputChannels + o) * outputHeight;
                int image = (n * channels + c) * height;
                for (int p = firstP; p < endP; p++)
                {
                    int gradientRow = (gradientImage + p) * outputWidth;
                    int inputRow = (image + p * strideHeight + offsetRow) * width + offsetColumn;
                    for (int q = firstQ; q < endQ; q++) sum += dy[gradientRow + q] * x[inputRow + q * strideWidth];
                }
            }
            dw[index] = accumulate != 0 ? dw[index] + sum : sum;
        }
    }

    /// <summary>x[n, c, s] += bias[c] over x [N, C, S]; one thread per element.</summary>
    public static void AddChannelBias<T>(Index1D thread, ArrayView<T> x, ArrayView<T> bias, int batch, int channels, int pixels, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = (long)batch * channels * pixels;
        for (long index = thread; index < count; index += stride) x[index] += bias[index / pixels % channels];
    }

    /// <summary>y[c] (+)= Σ_n Σ_s x[n, c, s] over x [N, C, S], summed over n, then s increasing; one thread per channel.</summary>
    public static void SumPerChannel<T>(Index1D thread, ArrayView<T> x, ArrayView<T> y, int batch, int channels, int pixels, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long c = thread; c < channels; c += stride)
        {
            T sum = T.Zero;
            for (long n = 0; n < batch; n++)
            {
                long start = (n * channels + c) * pixels;
                for (long index = start; index < start + pixels; index++) sum += x[index];
            }
            y[c] = accumulate != 0 ? y[c] + sum : sum;
        }
    }

    /// <summary>
    /// The smallest tap t ≥ 0 with t ≡ <paramref name="padded"/> (mod <paramref name="step"/>) whose output position
    /// (padded − t) / step is below <paramref name="outputs"/>, i.e. t &gt; padded − outputs · step.
    /// </summary>
    private static int FirstTap(int padded, int step, int outputs)
    {
        int first = padded % step;
        int beyond = padded - outputs * step;
        // Raise first by whole steps until it exceeds beyond (it stays ≡ padded mod step).
        if (first <= beyond) first += (beyond - first) / step * step + step;
        return first;
    }

    /// <summary>The smallest output position p ≥ 0 with p · step + offset ≥ 0.</summary>
    private static int FirstInside(int offset, int step) => offset >= 0 ? 0 : (-offset + step - 1) / step;

    /// <summary>One past the largest output position p &lt; outputs with p · step + offset &lt; extent (0 when there is none).</summary>
    private static int EndInside(int offset, int step, int extent, int outputs)
    {
        int last = extent - 1 - offset;
        return last < 0 ? 0 : Math.Min(outputs, last / step + 1);
    }
}
