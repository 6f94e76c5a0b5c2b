using System.Numerics;

namespace ScratchVae.Kernels.Operators;

/// <summary>c = a*b.</summary>
public readonly struct Multiply : IBinaryOperator
{
    /// <inheritdoc />
    public static string Name => "multiply";
    /// <inheritdoc />
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a*b;
}
