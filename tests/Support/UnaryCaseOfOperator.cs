using System.Numerics;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Support;

/// <summary>A <see cref="UnaryCase"/> for operator <typeparamref name="TOperator"/>.</summary>
public sealed class UnaryCase<TOperator>(Func<double, double> function, Func<double, double> derivative, double low, double high, double? kink = null)
    : UnaryCase(function, derivative, low, high, kink) where TOperator : struct, IUnaryOperator
{
    /// <inheritdoc />
    public override string Name => TOperator.Name;

    /// <inheritdoc />
    public override bool IsVectorized => TOperator.IsVectorized;

    /// <inheritdoc />
    public override void Map<T>(IBackend backend, DeviceBuffer<T> x, DeviceBuffer<T> y, int length) => backend.Map<T, TOperator>(x, y, length);

    /// <inheritdoc />
    public override void MapBackward<T>(IBackend backend, DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> dy, DeviceBuffer<T> dx, int length, bool accumulate)
        => backend.MapBackward<T, TOperator>(x, y, dy, dx, length, accumulate);

    /// <inheritdoc />
    public override void BiasActivation<T>(IBackend backend, DeviceBuffer<T> x, DeviceBuffer<T> bias, DeviceBuffer<T> y, int rows, int columns)
        => backend.BiasActivation<T, TOperator>(x, bias, y, rows, columns);

    /// <inheritdoc />
    public override T Apply<T>(T x) => TOperator.Apply(x);

    /// <inheritdoc />
    public override T ApplyDerivative<T>(T x, T y) => TOperator.Derivative(x, y);

    /// <inheritdoc />
    public override Vector512<T> Apply<T>(Vector512<T> x) => TOperator.Apply(x);

    /// <inheritdoc />
    public override Vector512<T> ApplyDerivative<T>(Vector512<T> x, Vector512<T> y) => TOperator.Derivative(x, y);
}
