using System.Numerics;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;

namespace ScratchVae.Kernels.Host;

// Philox fills. Chunks start at multiples of ChunkElements / cost (≥ 16 elements), which are whole blocks and whole
// Box–Muller pairs.
public sealed unsafe partial class HostBackend
{
    // Element costs against a simple map's (≈ 0.1–0.3 ns per element), measured on one AVX2 core: a Philox uniform
    // ≈ 5 ns (ten rounds per block of four, scalar), a Box–Muller normal ≈ 20 ns (a scalar log, square root, sine
    // and cosine, kept scalar so that every element has the bits of RandomStreams.Normal). The 2,560 normals of a
    // training step took 55 µs on one thread; split from 1,024 elements up, they take two threads.
    private const int UniformCost = 16;
    private const int NormalCost = 64;

    /// <inheritdoc />
    public void UniformFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("UniformFill", nameof(length), length);
        ArgumentChecks.Buffer(this, "UniformFill", nameof(x), x, length, offset);
        int chunks = FlatChunks(length, out int chunkSize, UniformCost);
        Run(new RandomJob<T>(Pointer(x) + offset, length, chunkSize, seed, counterOffset, normal: false, T.Zero, T.One), chunks);
    }

    /// <inheritdoc />
    public void NormalFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("NormalFill", nameof(length), length);
        ArgumentChecks.Buffer(this, "NormalFill", nameof(x), x, length, offset);
        int chunks = FlatChunks(length, out int chunkSize, NormalCost);
        Run(new RandomJob<T>(Pointer(x) + offset, length, chunkSize, seed, counterOffset, normal: true, mean, standardDeviation), chunks);
    }

    private readonly struct RandomJob<T>(T* x, int length, int chunkSize, ulong seed, ulong counterOffset, bool normal, T mean, T standardDeviation)
        : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int start = index * chunkSize, count = Math.Min(chunkSize, length - start);
            if (normal) RandomLoops.Normal(x + start, start, count, seed, counterOffset, mean, standardDeviation);
            else RandomLoops.Uniform(x + start, start, count, seed, counterOffset);
        }
    }
}
