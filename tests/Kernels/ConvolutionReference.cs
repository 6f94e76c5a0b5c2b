// Shape legend (see ConvolutionGeometry): x [N, C, H, W], w [O, C, KH, KW], y [N, O, P, Q], strides SH × SW,
// paddings PadH × PadW. Output pixel (p, q) sees input pixel (h, w) = (p·SH − PadH + i, q·SW − PadW + j) through tap (i, j).
using ScratchVae.Kernels;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The convolution primitives as float64 scalar loops written straight from IBackend's formulas: every loop runs over
/// the whole index space of its formula and skips what falls into the padding, with no bounds arithmetic shared with
/// any backend. The backward-input pass scatters from each output pixel (the formula as IBackend states it) where the
/// kernels gather. Slow on purpose; keep sizes small. Called with |x| and |w|, each gives Σ|terms|, the scale of a
/// sum's rounding error.
/// </summary>
internal static class ConvolutionReference
{
    /// <summary>y[n, o, p, q] = Σ_c Σ_i Σ_j w[o, c, i, j] · x[n, c, p·SH − PadH + i, q·SW − PadW + j] (x outside the image is 0).</summary>
    public static double[] Conv2d(ConvolutionGeometry g, double[] x, double[] w)
    {
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth;
        var y = new double[g.OutputLength];
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutputChannels; o++)
                for (int p = 0; p < outputHeight; p++)
                    for (int q = 0; q < outputWidth; q++)
                    {
                        double sum = 0;
                        for (int c = 0; c < g.InputChannels; c++)
                            for (int i = 0; i < g.KernelHeight; i++)
                                for (int j = 0; j < g.KernelWidth; j++)
                                {
                                    int h = p * g.StrideHeight - g.PaddingHeight + i, v = q * g.StrideWidth - g.PaddingWidth + j;
                                    if (h < 0 || h >= g.InputHeight || v < 0 || v >= g.InputWidth) continue;
                                    sum += w[WeightIndex(g, o, c, i, j)] * x[InputIndex(g, n, c, h, v)];
                                }
                        y[OutputIndex(g, n, o, p, q)] = sum;
                    }
        return y;
    }

    /// <summary>
    /// dx[n, c, h, w] = Σ over every (o, i, j, p, q) with h = p·SH − PadH + i and w = q·SW − PadW + j of
    /// w[o, c, i, j] · dy[n, o, p, q]: each output pixel adds its gradient into the input pixels it saw.
    /// </summary>
    public static double[] Conv2dBackwardInput(ConvolutionGeometry g, double[] dy, double[] w)
    {
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth;
        var dx = new double[g.InputLength];
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutputChannels; o++)
                for (int p = 0; p < outputHeight; p++)
                    for (int q = 0; q < outputWidth; q++)
                        for (int c = 0; c < g.InputChannels; c++)
                            for (int i = 0; i < g.KernelHeight; i++)
                                for (int j = 0; j < g.KernelWidth; j++)
                                {
                                    int h = p * g.StrideHeight - g.PaddingHeight + i, v = q * g.StrideWidth - g.PaddingWidth + j;
                                    if (h < 0 || h >= g.InputHeight || v < 0 || v >= g.InputWidth) continue;
                                    dx[InputIndex(g, n, c, h, v)] += w[WeightIndex(g, o, c, i, j)] * dy[OutputIndex(g, n, o, p, q)];
                                }
        return dx;
    }

    /// <summary>dw[o, c, i, j] = Σ_n Σ_p Σ_q dy[n, o, p, q] · x[n, c, p·SH − PadH + i, q·SW − PadW + j] (x outside the image is 0).</summary>
    public static double[] Conv2dBackwardWeight(ConvolutionGeometry g, double[] x, double[] dy)
    {
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth;
        var dw = new double[g.WeightLength];
        for (int o = 0; o < g.OutputChannels; o++)
            for (int c = 0; c < g.InputChannels; c++)
                for (int i = 0; i < g.KernelHeight; i++)
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        double sum = 0;
                        for (int n = 0; n < g.Batch; n++)
                            for (int p = 0; p < outputHeight; p++)
                                for (int q = 0; q < outputWidth; q++)
                                {
                                    int h = p * g.StrideHeight - g.PaddingHeight + i, v = q * g.StrideWidth - g.PaddingWidth + j;
                                    if (h < 0 || h >= g.InputHeight || v < 0 || v >= g.InputWidth) continue;
                                    sum += dy[OutputIndex(g, n, o, p, q)] * x[InputIndex(g, n, c, h, v)];
                                }
                        dw[WeightIndex(g, o, c, i, j)] = sum;
                    }
        return dw;
    }

    /// <summary>x[n, c, s] + bias[c] over x [N, C, S], as a new array.</summary>
    public static double[] AddChannelBias(double[] x, double[] bias, int batch, int channels, int pixels)
    {
        var y = new double[batch * channels * pixels];
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                for (int s = 0; s < pixels; s++)
                {
                    int index = (n * channels + c) * pixels + s;
                    y[index] = x[index] + bias[c];
                }
        return y;
    }

    /// <summary>y[c] = Σ_n Σ_s x[n, c, s] over x [N, C, S].</summary>
    public static double[] SumPerChannel(double[] x, int batch, int channels, int pixels)
    {
        var y = new double[channels];
        for (int c = 0; c < channels; c++)
            for (int n = 0; n < batch; n++)
                for (int s = 0; s < pixels; s++)
                    y[c] += x[(n * channels + c) * pixels + s];
        return y;
    }

    /// <summary>The position of x[n, c, h, w] in NCHW order.</summary>
    public static int InputIndex(ConvolutionGeometry g, int n, int c, int h, int w) => ((n * g.InputChannels + c) * g.InputHeight + h) * g.InputWidth + w;

    /// <summary>The position of y[n, o, p, q] in NCHW order.</summary>
    public static int OutputIndex(ConvolutionGeometry g, int n, int o, int p, int q) => ((n * g.OutputChannels + o) * g.OutputHeight + p) * g.OutputWidth + q;

    /// <summary>The position of w[o, c, i, j] in [O, C, KH, KW] order.</summary>
    public static int WeightIndex(ConvolutionGeometry g, int o, int c, int i, int j) => ((o * g.InputChannels + c) * g.KernelHeight + i) * g.KernelWidth + j;
}
