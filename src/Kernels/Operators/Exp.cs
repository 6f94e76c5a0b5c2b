using System.Numerics;

namespace ScratchVae.Kernels.Operators;

/// <summary>f(x) = e^x; f'(x) = y.</summary>
public readonly struct Exp : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "exp";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => y;
}
