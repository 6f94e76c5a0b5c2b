using System.Numerics;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Support;

/// <summary>
/// One unary operator under test with an independent float64 reference for f and f', the input range to
/// test it on, and typed entry points into the backend (the operator is a type argument there).
/// </summary>
public abstract class UnaryCase
{
    /// <summary>Creates a case.</summary>
    protected UnaryCase(Func<double, double> function, Func<double, double> derivative, double low, double high, double? kink)
    {
        Function = function;
        Derivative = derivative;
        Low = low;
        High = high;
        Kink = kink;
    }

    /// <summary>The operator's name.</summary>
    public abstract string Name { get; }

    /// <summary>f in float64, written independently of the operator.</summary>
    public Func<double, double> Function { get; }

    /// <summary>f' in float64, written independently of the operator.</summary>
    public Func<double, double> Derivative { get; }

    /// <summary>Lower end of the test inputs.</summary>
    public double Low { get; }

    /// <summary>Upper end of the test inputs.</summary>
    public double High { get; }

    /// <summary>Where f' jumps (finite differences stay away from it), if anywhere.</summary>
    public double? Kink { get; }

    /// <summary>backend.Map with this operator.</summary>
    public abstract void Map<T>(IBackend backend, DeviceBuffer<T> x, DeviceBuffer<T> y, int length) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>backend.MapBackward with this operator.</summary>
    public abstract void MapBackward<T>(IBackend backend, DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> dy, DeviceBuffer<T> dx, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>backend.BiasActivation with this operator.</summary>
    public abstract void BiasActivation<T>(IBackend backend, DeviceBuffer<T> x, DeviceBuffer<T> bias, DeviceBuffer<T> y, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The operator's IsVectorized.</summary>
    public abstract bool IsVectorized { get; }

    /// <summary>The operator's scalar f.</summary>
    public abstract T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The operator's scalar f'.</summary>
    public abstract T ApplyDerivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The operator's Vector512 f.</summary>
    public abstract Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The operator's Vector512 f'.</summary>
    public abstract Vector512<T> ApplyDerivative<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <inheritdoc />
    public override string ToString() => Name;
}

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

/// <summary>One binary operator under test with an independent float64 reference.</summary>
public abstract class BinaryCase(Func<double, double, double> function, bool nonZeroB)
{
    /// <summary>The operator's name.</summary>
    public abstract string Name { get; }

    /// <summary>f(a, b) in float64.</summary>
    public Func<double, double, double> Function { get; } = function;

    /// <summary>True when b must stay away from zero (division).</summary>
    public bool NonZeroB { get; } = nonZeroB;

    /// <summary>backend.Zip with this operator.</summary>
    public abstract void Zip<T>(IBackend backend, DeviceBuffer<T> a, DeviceBuffer<T> b, DeviceBuffer<T> c, int rows, int columns, Broadcast broadcast, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The operator's IsVectorized.</summary>
    public abstract bool IsVectorized { get; }

    /// <summary>The operator's scalar f.</summary>
    public abstract T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The operator's Vector512 f.</summary>
    public abstract Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <inheritdoc />
    public override string ToString() => Name;
}

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

/// <summary>Every operator with its float64 reference.</summary>
public static class OperatorCases
{
    private static double ReferenceSigmoid(double x) => x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    /// <summary>The unary operators. References use the textbook definitions; softplus uses log1p, which the kernels do not.</summary>
    public static readonly UnaryCase[] Unary =
    [
        new UnaryCase<Identity>(x => x, _ => 1, -5, 5),
        new UnaryCase<Negate>(x => -x, _ => -1, -5, 5),
        new UnaryCase<Square>(x => x * x, x => 2 * x, -5, 5),
        new UnaryCase<Relu>(x => Math.Max(x, 0), x => x > 0 ? 1 : 0, -5, 5, kink: 0),
        new UnaryCase<Sigmoid>(ReferenceSigmoid, x => ReferenceSigmoid(x) * ReferenceSigmoid(-x), -12, 12),
        new UnaryCase<Tanh>(Math.Tanh, x => 1 / (Math.Cosh(x) * Math.Cosh(x)), -6, 6),
        new UnaryCase<Exp>(Math.Exp, Math.Exp, -10, 10),
        new UnaryCase<Log>(Math.Log, x => 1 / x, 0.01, 50),
        new UnaryCase<Sqrt>(Math.Sqrt, x => 0.5 / Math.Sqrt(x), 0.01, 50),
        new UnaryCase<Softplus>(x => Math.Max(x, 0) + double.LogP1(Math.Exp(-Math.Abs(x))), ReferenceSigmoid, -20, 20),
        new UnaryCase<Elu>(x => x > 0 ? x : double.ExpM1(x), x => x > 0 ? 1 : Math.Exp(x), -5, 5, kink: 0),
    ];

    /// <summary>The binary operators.</summary>
    public static readonly BinaryCase[] Binary =
    [
        new BinaryCase<Add>((a, b) => a + b),
        new BinaryCase<Subtract>((a, b) => a - b),
        new BinaryCase<Multiply>((a, b) => a * b),
        new BinaryCase<Divide>((a, b) => a / b, nonZeroB: true),
        new BinaryCase<Maximum>(Math.Max),
    ];
}
