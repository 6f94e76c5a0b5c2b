using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>
/// f(x) = log(1 + e^x), computed stably as max(x, 0) + log(1 + e^−|x|) so that large |x| neither
/// overflows nor loses the linear part; f'(x) = sigmoid(x).
/// </summary>
public readonly struct SoftplusOperator : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "softplus";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        => (x > T.Zero ? x : T.Zero) + ScalarMath.Log(T.One + ScalarMath.Exp(-T.Abs(x)));
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + ScalarMath.Exp(-x));
    /// <inheritdoc />
    public static bool IsVectorized => true;
    /// <inheritdoc />
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, Vector512<T>.Zero)
        + VectorMath.Log(Vector512<T>.One + VectorMath.Exp(-Vector512.Abs(x)));
    /// <inheritdoc />
    public static Vector512<T> Derivative<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512<T>.One / (Vector512<T>.One + VectorMath.Exp(-x));
}
