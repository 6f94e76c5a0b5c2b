using System.Numerics;

namespace ScratchVae.Kernels.Operators;

/// <summary>c = max(a, b) (NaN-propagating is not required; inputs are finite).</summary>
public readonly struct Maximum : IBinaryOperator
{
    /// <inheritdoc />
    public static string Name => "maximum";
    /// <inheritdoc />
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a > b ? a : b;
}
