using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>c = a/b.</summary>
public readonly struct DivideOperator : IBinaryOperator
{
    /// <inheritdoc />
    public static string Name => "divide";
    /// <inheritdoc />
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a/b;
    /// <inheritdoc />
    public static bool IsVectorized => true;
    /// <inheritdoc />
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        => a / b;
}
