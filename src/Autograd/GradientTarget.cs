using System.Numerics;
using ScratchVae.Kernels;

namespace ScratchVae.Autograd;

/// <summary>
/// Where a backward rule writes one input's gradient: the buffer, and whether to add to it (another contribution
/// already arrived, or the input is a parameter that keeps its gradient) or to overwrite it (the first
/// contribution of this pass, which saves a separate zeroing pass).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct GradientTarget<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a target.</summary>
    public GradientTarget(DeviceBuffer<T> buffer, bool accumulate)
    {
        Buffer = buffer;
        Accumulate = accumulate;
    }

    /// <summary>The gradient buffer (as long as the input).</summary>
    public DeviceBuffer<T> Buffer { get; }

    /// <summary>True: add into <see cref="Buffer"/>; false: overwrite it.</summary>
    public bool Accumulate { get; }

    /// <summary>The GEMM/Axpby beta that implements <see cref="Accumulate"/>: 1 to add, 0 to overwrite.</summary>
    public T Beta => Accumulate ? T.One : T.Zero;
}
