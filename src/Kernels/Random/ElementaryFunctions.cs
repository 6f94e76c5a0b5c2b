using System.Numerics;
using System.Runtime.CompilerServices;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Random;

/// <summary>The ln, sin and cos that the Box–Muller transform uses (<see cref="RandomStreams.Normal{T, TFunctions}"/>).</summary>
public interface IElementaryFunctions
{
    /// <summary>ln x.</summary>
    static abstract T Log<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>sin x.</summary>
    static abstract T Sin<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>cos x.</summary>
    static abstract T Cos<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The runtime's functions (on the host, the C library's: within an ulp). The host backend uses these.</summary>
public readonly struct LibraryFunctions : IElementaryFunctions
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sin<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Cos<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
}

/// <summary>
/// Functions that are accurate in GPU kernels too: float32 through <see cref="ScalarMath"/> (a GPU compiler maps the
/// runtime's float functions to the hardware's approximations, <c>lg2.approx</c>, <c>sin.approx</c>, <c>cos.approx</c>),
/// float64 through the runtime's (ILGPU compiles those to accurate software routines). The ILGPU backend uses these;
/// their results agree with <see cref="LibraryFunctions"/> to a few ulps.
/// </summary>
public readonly struct PortableFunctions : IElementaryFunctions
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Log(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sin<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Sin(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Cos<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => ScalarMath.Cos(x);
}
