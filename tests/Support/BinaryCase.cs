using System.Numerics;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Support;

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
