using System.Numerics;

namespace ScratchVae.Kernels.Operators;

/// <summary>f(x) = ln x; f'(x) = 1 / x.</summary>
public readonly struct Log : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "log";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => T.One / x;
}
