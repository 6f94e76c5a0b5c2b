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
