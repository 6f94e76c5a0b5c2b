using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>A buffer in an ILGPU accelerator's memory (GPU memory, or host memory for the CPU accelerator).</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class IlgpuBuffer<T> : DeviceBuffer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _memory;

    internal IlgpuBuffer(IlgpuBackend backend, Accelerator accelerator, int length) : base(backend, length)
    {
        // ILGPU refuses empty allocations; a zero-length buffer holds one unused element.
        _memory = accelerator.Allocate1D<T>(Math.Max(1, length));
    }

    /// <summary>
    /// The whole allocation as a kernel argument (at least one element, even for an empty buffer).
    /// Kernels only touch the ranges a primitive has validated.
    /// </summary>
    internal ArrayView<T> View
    {
        get
        {
            ThrowIfDisposed();
            return _memory.View;
        }
    }

    /// <summary>Elements [offset, offset + length) as a kernel argument; length must be positive.</summary>
    internal ArrayView<T> Slice(long offset, long length) => View.SubView(offset, length);

    /// <inheritdoc />
    protected override void Release() => _memory.Dispose();
}
