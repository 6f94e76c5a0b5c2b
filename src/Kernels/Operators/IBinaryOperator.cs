using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>One elementwise function c = f(a, b), written once as generic math for host, SIMD and ILGPU.</summary>
public interface IBinaryOperator
{
    /// <summary>A short lower-case name, e.g. "add".</summary>
    static abstract string Name { get; }

    /// <summary>c = f(a, b).</summary>
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>True when the Vector512 overload is a real SIMD version.</summary>
    static virtual bool IsVectorized => false;

    /// <summary>f on 512-bit lanes.</summary>
    static virtual Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotSupportedException("This operator has no SIMD version; callers check IsVectorized.");
}
