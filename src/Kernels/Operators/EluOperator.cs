using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>f(x) = x for x &gt; 0, e^x − 1 otherwise (α = 1, as torch.nn.ELU); f'(x) = 1 or y + 1.</summary>
public readonly struct EluOperator : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "elu";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : ScalarMath.Exp(x) - T.One;
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : y + T.One;
    /// <inheritdoc />
    public static bool IsVectorized => true;
    /// <inheritdoc />
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, VectorMath.Exp(x) - Vector512<T>.One);
    /// <inheritdoc />
    public static Vector512<T> Derivative<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), Vector512<T>.One, y + Vector512<T>.One);
}
