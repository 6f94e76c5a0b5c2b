using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Operators;

/// <summary>
/// One elementwise function y = f(x) and its derivative, written once as generic math.
/// The same static members drive the host loop, the host SIMD loop and the ILGPU kernels
/// (as .NET's TensorPrimitives does with its operator structs).
/// <para>
/// The scalar members run inside GPU kernels, so they must stay within what ILGPU compiles: arithmetic,
/// comparisons, <c>T.Zero</c>/<c>T.One</c>, <c>T.Exp</c>, <c>T.Log</c>, <c>T.Sqrt</c>, <c>T.Tanh</c> and the like;
/// write other constants with <see cref="Constant.Of{T}(double)"/>, never <c>T.CreateTruncating</c>.
/// </para>
/// </summary>
public interface IUnaryOperator
{
    /// <summary>A short lower-case name for messages and benchmarks, e.g. "sigmoid".</summary>
    static abstract string Name { get; }

    /// <summary>y = f(x).</summary>
    static abstract T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>f'(x), given both x and y = f(x) so that each operator can use whichever is cheaper and stabler.</summary>
    static abstract T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>True when <see cref="Apply{T}(Vector512{T})"/> and <see cref="Derivative{T}(Vector512{T}, Vector512{T})"/> are real SIMD versions.</summary>
    static virtual bool IsVectorized => false;

    /// <summary>f on 512-bit lanes; must agree with the scalar <see cref="Apply{T}(T)"/> within float tolerance.</summary>
    static virtual Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotSupportedException("This operator has no SIMD version; callers check IsVectorized.");

    /// <summary>f' on 512-bit lanes.</summary>
    static virtual Vector512<T> Derivative<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotSupportedException("This operator has no SIMD version; callers check IsVectorized.");
}
