using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>c = max(a, b) (NaN-propagating is not required; inputs are finite).</summary>
public readonly struct MaximumOperator : IBinaryOperator
{
    /// <inheritdoc />
    public static string Name => "maximum";
    /// <inheritdoc />
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a > b ? a : b;
    /// <inheritdoc />
    public static bool IsVectorized => true;
    /// <inheritdoc />
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), a, b);
}
