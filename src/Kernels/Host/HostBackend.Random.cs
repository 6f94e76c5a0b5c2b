using System.Numerics;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;

namespace ScratchVae.Kernels.Host;

// Philox fills. Chunks start at multiples of ChunkElements, which are whole blocks and whole Box–Muller pairs.
public sealed unsafe partial class HostBackend
{
    /// <inheritdoc />
    public void UniformFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("UniformFill", nameof(length), length);
        ArgumentChecks.Buffer(this, "UniformFill", nameof(x), x, length, offset);
        int chunks = FlatChunks(length, out int chunkSize);
        Run(new RandomJob<T>(Pointer(x) + offset, length, chunkSize, seed, counterOffset, normal: false, T.Zero, T.One), chunks);
    }

    /// <inheritdoc />
    public void NormalFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("NormalFill", nameof(length), length);
        ArgumentChecks.Buffer(this, "NormalFill", nameof(x), x, length, offset);
        int chunks = FlatChunks(length, out int chunkSize);
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
