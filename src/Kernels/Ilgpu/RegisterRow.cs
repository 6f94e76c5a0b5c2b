using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Eight values held in registers: one row of a GEMM thread's 8 × 8 block of C, or one fragment of op(B).
/// Named fields instead of an array because GPU compilers keep a local array in (slow, off-chip) local memory unless
/// every index folds to a constant, whereas ILGPU lowers struct fields to separate registers.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public struct RegisterRow<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Element 0.</summary>
    public T X0;
    /// <summary>Element 1.</summary>
    public T X1;
    /// <summary>Element 2.</summary>
    public T X2;
    /// <summary>Element 3.</summary>
    public T X3;
    /// <summary>Element 4.</summary>
    public T X4;
    /// <summary>Element 5.</summary>
    public T X5;
    /// <summary>Element 6.</summary>
    public T X6;
    /// <summary>Element 7.</summary>
    public T X7;

    /// <summary>Eight zeros.</summary>
    public static RegisterRow<T> Zero => new() { X0 = T.Zero, X1 = T.Zero, X2 = T.Zero, X3 = T.Zero, X4 = T.Zero, X5 = T.Zero, X6 = T.Zero, X7 = T.Zero };

    /// <summary>Reads source[offset + i · step] for i &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RegisterRow<T> Load(ArrayView<T> source, int offset, int step) => new()
    {
        X0 = source[offset],
        X1 = source[offset + step],
        X2 = source[offset + 2 * step],
        X3 = source[offset + 3 * step],
        X4 = source[offset + 4 * step],
        X5 = source[offset + 5 * step],
        X6 = source[offset + 6 * step],
        X7 = source[offset + 7 * step],
    };

    /// <summary>this + scale · other, elementwise (one rank-1 update of a row of C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly RegisterRow<T> MultiplyAdd(T scale, RegisterRow<T> other) => new()
    {
        X0 = X0 + scale * other.X0,
        X1 = X1 + scale * other.X1,
        X2 = X2 + scale * other.X2,
        X3 = X3 + scale * other.X3,
        X4 = X4 + scale * other.X4,
        X5 = X5 + scale * other.X5,
        X6 = X6 + scale * other.X6,
        X7 = X7 + scale * other.X7,
    };

    /// <summary>Element <paramref name="index"/> (0–7); used only outside the inner loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Get(int index) => index switch
    {
        0 => X0,
        1 => X1,
        2 => X2,
        3 => X3,
        4 => X4,
        5 => X5,
        6 => X6,
        _ => X7,
    };
}
