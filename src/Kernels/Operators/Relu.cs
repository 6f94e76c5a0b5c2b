using System.Numerics;

namespace ScratchVae.Kernels.Operators;

/// <summary>f(x) = max(x, 0); f'(x) = 1 for x &gt; 0, else 0 (PyTorch's convention at 0).</summary>
public readonly struct Relu : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "relu";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.Zero;
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : T.Zero;
}
