using System.Numerics;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Support;

/// <summary>A <see cref="BinaryCase"/> for operator <typeparamref name="TOperator"/>.</summary>
public sealed class BinaryCase<TOperator>(Func<double, double, double> function, bool nonZeroB = false)
    : BinaryCase(function, nonZeroB) where TOperator : struct, IBinaryOperator
{
    /// <inheritdoc />
    public override string Name => TOperator.Name;

    /// <inheritdoc />
    public override bool IsVectorized => TOperator.IsVectorized;

    /// <inheritdoc />
    public override void Zip<T>(IBackend backend, DeviceBuffer<T> a, DeviceBuffer<T> b, DeviceBuffer<T> c, int rows, int columns, Broadcast broadcast, bool accumulate)
        => backend.Zip<T, TOperator>(a, b, c, rows, columns, broadcast, accumulate);

    /// <inheritdoc />
    public override T Apply<T>(T a, T b) => TOperator.Apply(a, b);

    /// <inheritdoc />
    public override Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) => TOperator.Apply(a, b);
}
