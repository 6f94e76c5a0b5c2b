using System.Numerics;
using ILGPU;
using ScratchVae.Kernels.Random;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Philox fills: each element calls the same <see cref="RandomStreams"/> function the host uses, so uniforms agree
/// bit for bit across backends (grid-stride, see <see cref="ElementwiseKernels"/>).
/// </summary>
public static class RandomKernels
{
    /// <summary>x[i] = uniform element i ∈ (0, 1] of the stream (seed, counterOffset), for i &lt; length.</summary>
    public static void UniformFill<T>(Index1D thread, ArrayView<T> x, ulong seed, ulong counterOffset, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long i = thread; i < length; i += stride) x[i] = RandomStreams.Uniform<T>(seed, counterOffset, i);
    }

    /// <summary>
    /// x[i] = mean + standardDeviation · (normal element i of the stream (seed, counterOffset)), for i &lt; length; ln, sin
    /// and cos are <see cref="PortableFunctions"/>, so float32 normals agree with the host's to a few ulps instead of
    /// carrying the GPU's approximate intrinsics.
    /// </summary>
    public static void NormalFill<T>(Index1D thread, ArrayView<T> x, ulong seed, ulong counterOffset, T mean, T standardDeviation, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long i = thread; i < length; i += stride) x[i] = RandomStreams.Normal<T, PortableFunctions>(seed, counterOffset, i, mean, standardDeviation);
    }
}
