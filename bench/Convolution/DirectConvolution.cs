// Shape legend as in ConvolutionGeometry: x [N, C, H, W], w [O, C, KH, KW], y [N, O, P, Q], L = P·Q.
using System.Runtime.Intrinsics;
using ScratchVae.Kernels;

namespace ScratchVae.Bench.Convolution;

/// <summary>
/// A direct host convolution, the alternative to unfolding patches into the GEMM, kept here to be measured against it:
/// the weights transposed once to [C, KH, KW, O] so that one tap updates a run of output channels with FMAs, four output
/// pixels at a time (their accumulators stay in registers across all C·KH·KW taps), images split over the threads.
/// float32, O a multiple of 16, Vector512 (the forward pass only).
/// </summary>
public static unsafe class DirectConvolution
{
    /// <summary>w [O, C, KH, KW] → [C, KH, KW, O].</summary>
    public static float[] TransposeWeights(ConvolutionGeometry g, float[] w)
    {
        var t = new float[w.Length];
        int taps = g.PatchLength;
        for (int o = 0; o < g.OutputChannels; o++)
            for (int r = 0; r < taps; r++) t[r * g.OutputChannels + o] = w[o * taps + r];
        return t;
    }

    /// <summary>y = conv(x, w) with <paramref name="threads"/> threads over the images.</summary>
    public static void Forward(ConvolutionGeometry g, float* x, float* weightsByTap, float* y, int threads)
    {
        if (!Vector512.IsHardwareAccelerated || g.OutputChannels % 16 != 0)
            throw new NotSupportedException("the direct convolution is written for Vector512 and O a multiple of 16");
        var geometry = g;
        nint xs = (nint)x, ws = (nint)weightsByTap, ys = (nint)y;
        Parallel.For(0, geometry.Batch, new ParallelOptions { MaxDegreeOfParallelism = threads },
            n => Image(geometry, (float*)xs, (float*)ws, (float*)ys, n));
    }

    private static void Image(ConvolutionGeometry g, float* x, float* wt, float* y, int n)
    {
        int outputWidth = g.OutputWidth, pixels = g.OutputHeight * outputWidth, blocks = g.OutputChannels / 16;
        float* image = x + (long)n * g.InputChannels * g.InputHeight * g.InputWidth;
        float* output = y + (long)n * g.OutputChannels * pixels;
        // Up to 4 pixels × 4 blocks of 16 channels = 16 accumulators.
        var acc = stackalloc Vector512<float>[16];
        for (int block0 = 0; block0 < blocks; block0 += 4)
        {
            int blockCount = Math.Min(4, blocks - block0);
            for (int pixel0 = 0; pixel0 < pixels; pixel0 += 4)
            {
                int pixelCount = Math.Min(4, pixels - pixel0);
                for (int a = 0; a < 16; a++) acc[a] = Vector512<float>.Zero;
                for (int c = 0; c < g.InputChannels; c++)
                {
                    float* plane = image + (long)c * g.InputHeight * g.InputWidth;
                    for (int i = 0; i < g.KernelHeight; i++)
                        for (int j = 0; j < g.KernelWidth; j++)
                        {
                            float* tap = wt + ((long)((c * g.KernelHeight + i) * g.KernelWidth + j) * g.OutputChannels) + block0 * 16;
                            for (int k = 0; k < pixelCount; k++)
                            {
                                int pixel = pixel0 + k, p = pixel / outputWidth, q = pixel % outputWidth;
                                int h = p * g.StrideHeight - g.PaddingHeight + i, w = q * g.StrideWidth - g.PaddingWidth + j;
                                if ((uint)h >= (uint)g.InputHeight || (uint)w >= (uint)g.InputWidth) continue;
                                var value = Vector512.Create(plane[h * g.InputWidth + w]);
                                for (int b = 0; b < blockCount; b++)
                                    acc[k * 4 + b] = Vector512.FusedMultiplyAdd(value, Vector512.Load(tap + b * 16), acc[k * 4 + b]);
                            }
                        }
                }
                for (int k = 0; k < pixelCount; k++)
                    for (int b = 0; b < blockCount; b++)
                    {
                        var v = acc[k * 4 + b];
                        for (int lane = 0; lane < 16; lane++) output[(long)((block0 + b) * 16 + lane) * pixels + pixel0 + k] = v[lane];
                    }
            }
        }
    }
}
