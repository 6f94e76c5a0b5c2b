using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>f(x) = 1 / (1 + e^−x); f'(x) = y (1 − y).</summary>
public readonly struct SigmoidOperator : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "sigmoid";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + ScalarMath.Exp(-x));
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => y * (T.One - y);
    /// <inheritdoc />
    public static bool IsVectorized => true;
    /// <inheritdoc />
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512<T>.One / (Vector512<T>.One + VectorMath.Exp(-x));
    /// <inheritdoc />
    public static Vector512<T> Derivative<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => y * (Vector512<T>.One - y);
}
