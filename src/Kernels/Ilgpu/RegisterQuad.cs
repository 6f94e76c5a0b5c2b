using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Four consecutive values as one 16-byte (float) or 32-byte (double) unit. Reading a <see cref="RegisterQuad{T}"/>
/// through an ArrayView cast to quads lets ILGPU's PTX backend emit one vector load or store (ld/st .v4.f32, or two
/// .v2.f64) where it can prove the address aligned, instead of four scalar ones; on other accelerators it is four
/// plain loads. The fields are separate registers for the reason <see cref="RegisterRow{T}"/> gives.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public struct RegisterQuad<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Element 0.</summary>
    public T X0;
    /// <summary>Element 1.</summary>
    public T X1;
    /// <summary>Element 2.</summary>
    public T X2;
    /// <summary>Element 3.</summary>
    public T X3;

    /// <summary>Four zeros.</summary>
    public static RegisterQuad<T> Zero => new() { X0 = T.Zero, X1 = T.Zero, X2 = T.Zero, X3 = T.Zero };

    /// <summary>Two quads as one register row: <paramref name="low"/> is elements 0–3, <paramref name="high"/> 4–7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterRow<T> Join(RegisterQuad<T> low, RegisterQuad<T> high) => new()
    {
        X0 = low.X0, X1 = low.X1, X2 = low.X2, X3 = low.X3,
        X4 = high.X0, X5 = high.X1, X6 = high.X2, X7 = high.X3,
    };
}
