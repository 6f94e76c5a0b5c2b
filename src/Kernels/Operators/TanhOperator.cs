using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>
/// f(x) = tanh x; f'(x) = 1 − y². In float32 the scalar form is <see cref="ScalarMath.Tanh"/>, the vector form's
/// algorithm: a GPU compiler would otherwise turn <c>MathF.Tanh</c> into the hardware's approximation (PTX
/// <c>tanh.approx.f32</c>, off by up to 2·10⁻⁵ relative on an H100).
/// </summary>
public readonly struct TanhOperator : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "tanh";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Tanh(x);
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => T.One - y * y;
    /// <inheritdoc />
    public static bool IsVectorized => true;
    /// <inheritdoc />
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        => VectorMath.Tanh(x);
    /// <inheritdoc />
    public static Vector512<T> Derivative<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512<T>.One - y * y;
}
