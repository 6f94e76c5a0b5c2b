using System.Numerics;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;

namespace ScratchVae.Kernels.Host;

// Passes that fuse what would otherwise be several maps: binary cross-entropy with its gradient, Adam and SGD.
public sealed unsafe partial class HostBackend
{
    /// <inheritdoc />
    public void BceWithLogits<T>(DeviceBuffer<T> logits, DeviceBuffer<T> targets, int rows, int columns,
        DeviceBuffer<T>? lossPerRow, DeviceBuffer<T>? gradient, T gradientScale, bool accumulateGradient = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "BceWithLogits";
        ThrowIfDisposed();
        int count = ArgumentChecks.Product(primitive, rows, columns);
        ArgumentChecks.Buffer(this, primitive, nameof(logits), logits, count);
        ArgumentChecks.Buffer(this, primitive, nameof(targets), targets, count);
        if (lossPerRow is not null) ArgumentChecks.Buffer(this, primitive, nameof(lossPerRow), lossPerRow, rows);
        if (gradient is not null) ArgumentChecks.Buffer(this, primitive, nameof(gradient), gradient, count);
        if (lossPerRow is null && gradient is null) return;
        int chunks = RowChunks(rows, columns, out int rowsPerChunk);
        Run(new BceJob<T>(Pointer(logits), Pointer(targets), rows, columns, lossPerRow is null ? null : Pointer(lossPerRow),
            gradient is null ? null : Pointer(gradient), gradientScale, accumulateGradient, rowsPerChunk), chunks);
    }

    private readonly struct BceJob<T>(T* logits, T* targets, int rows, int columns, T* lossPerRow, T* gradient, T scale, bool accumulate, int rowsPerChunk)
        : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int end = Math.Min(rows, (index + 1) * rowsPerChunk);
            for (int i = index * rowsPerChunk; i < end; i++)
            {
                long offset = (long)i * columns;
                T loss = FusedLoops.BceRow(logits + offset, targets + offset, columns, gradient == null ? null : gradient + offset, scale, accumulate);
                if (lossPerRow != null) lossPerRow[i] = loss;
            }
        }
    }

    /// <inheritdoc />
    public void AdamUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T> firstMoment, DeviceBuffer<T> secondMoment, int length, AdamSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "AdamUpdate";
        ThrowIfDisposed();
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Adam(settings);
        ArgumentChecks.Buffer(this, primitive, nameof(parameters), parameters, length);
        ArgumentChecks.Buffer(this, primitive, nameof(gradients), gradients, length);
        ArgumentChecks.Buffer(this, primitive, nameof(firstMoment), firstMoment, length);
        ArgumentChecks.Buffer(this, primitive, nameof(secondMoment), secondMoment, length);
        int chunks = FlatChunks(length, out int chunkSize);
        Run(new AdamJob<T>(Pointer(parameters), Pointer(gradients), Pointer(firstMoment), Pointer(secondMoment), length, chunkSize,
            new AdamScalars<T>(settings)), chunks);
    }

    private readonly struct AdamJob<T>(T* parameters, T* gradients, T* firstMoment, T* secondMoment, int length, int chunkSize, AdamScalars<T> scalars)
        : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int start = index * chunkSize;
            FusedLoops.Adam(parameters + start, gradients + start, firstMoment + start, secondMoment + start,
                Math.Min(chunkSize, length - start), scalars);
        }
    }

    /// <inheritdoc />
    public void SgdUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T>? momentumBuffer, int length, SgdSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SgdUpdate";
        ThrowIfDisposed();
        ArgumentChecks.Size(primitive, nameof(length), length);
        ArgumentChecks.Sgd(settings);
        ArgumentChecks.Buffer(this, primitive, nameof(parameters), parameters, length);
        ArgumentChecks.Buffer(this, primitive, nameof(gradients), gradients, length);
        ArgumentChecks.MomentumBuffer(this, primitive, momentumBuffer, length, settings.Momentum);
        int chunks = FlatChunks(length, out int chunkSize);
        // Without momentum the loop never touches the buffer, which may then be null.
        Run(new SgdJob<T>(Pointer(parameters), Pointer(gradients), settings.Momentum != 0 ? Pointer(momentumBuffer!) : null, length, chunkSize,
            new SgdScalars<T>(settings)), chunks);
    }

    private readonly struct SgdJob<T>(T* parameters, T* gradients, T* momentumBuffer, int length, int chunkSize, SgdScalars<T> scalars)
        : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int start = index * chunkSize;
            FusedLoops.Sgd(parameters + start, gradients + start, momentumBuffer == null ? null : momentumBuffer + start,
                Math.Min(chunkSize, length - start), scalars);
        }
    }
}
