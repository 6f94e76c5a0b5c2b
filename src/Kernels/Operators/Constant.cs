using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Operators;

/// <summary>
/// Numeric constants inside operator formulas that ILGPU can compile. <c>T.CreateTruncating(0.5)</c> branches on
/// System.Type internally, which ILGPU cannot translate to GPU code (and a failed kernel compilation can leave
/// ILGPU's context unusable for later kernels); this helper tells float from double with sizeof(T), which ILGPU
/// folds to a constant, and reinterprets with Unsafe.As.
/// </summary>
public static class Constant
{
    /// <summary><paramref name="value"/> as a <typeparamref name="T"/> (rounded to float for float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T Of<T>(double value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (sizeof(T) == sizeof(float))
        {
            float single = (float)value;
            return Unsafe.As<float, T>(ref single);
        }
        return Unsafe.As<double, T>(ref value);
    }
}
