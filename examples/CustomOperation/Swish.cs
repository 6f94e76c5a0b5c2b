using System.Numerics;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Examples.CustomOperation;

/// <summary>
/// Swish (also called SiLU): f(x) = x · sigmoid(x). An elementwise function is one operator struct — the formula
/// and its derivative side by side — and <c>Ops.Map&lt;T, Swish&gt;</c> then gives it a forward pass on every
/// device (host loop, ILGPU kernel) and a backward rule, with no autograd code of its own.
/// </summary>
public readonly struct Swish : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "swish";

    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x / (T.One + T.Exp(-x));

    /// <summary>
    /// f'(x) = s + x · s · (1 − s) with s = sigmoid(x); since y = x · s, that is s + y · (1 − s).
    /// </summary>
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = T.One / (T.One + T.Exp(-x));
        return s + y * (T.One - s);
    }
}

/// <summary>
/// Swish with a deliberately wrong derivative (sigmoid(x) alone, the product rule forgotten), to show what the
/// gradient checker reports when a backward rule is wrong.
/// </summary>
public readonly struct SwishWithWrongDerivative : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "swish-wrong";

    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => Swish.Apply(x);

    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}
