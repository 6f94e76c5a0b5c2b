using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>f(x) = ln x; f'(x) = 1 / x.</summary>
public readonly struct LogOperator : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "log";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Log(x);
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => T.One / x;
    /// <inheritdoc />
    public static bool IsVectorized => true;
    /// <inheritdoc />
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        => VectorMath.Log(x);
    /// <inheritdoc />
    public static Vector512<T> Derivative<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512<T>.One / x;
}
