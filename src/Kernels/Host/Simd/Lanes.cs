using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>
/// Small lane helpers shared by the host loops: partial loads and stores for the ragged end of an array
/// (so that the last few elements go through the same vector formula as the rest, and a result does not
/// depend on where an element sits), lane masks, and horizontal reductions in a fixed order.
/// </summary>
internal static unsafe class Lanes
{
    /// <summary>
    /// True when the loops should use Vector512 code: natively with AVX-512, or as two Vector256 halves,
    /// which still beats scalar code by 2–5× (measured on an AVX2 machine). False only without any SIMD.
    /// </summary>
    public static readonly bool UseVectors = Vector128.IsHardwareAccelerated;

    /// <summary>Loads <paramref name="count"/> (&lt; one vector) elements; the other lanes hold <paramref name="padding"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadPartial<T>(T* source, int count, T padding) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector512<T> vector = Vector512.Create(padding);
        T* lanes = (T*)&vector;
        for (int i = 0; i < count; i++) lanes[i] = source[i];
        return vector;
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="vector"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial<T>(Vector512<T> vector, T* destination, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* lanes = (T*)&vector;
        for (int i = 0; i < count; i++) destination[i] = lanes[i];
    }

    /// <summary>All bits set in lanes 0 … count − 1, clear elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FirstLanes<T>(int count) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));

    /// <summary>
    /// The sum of the lanes as a fixed tree (halves, then quarters, …), the same on every machine —
    /// unlike <see cref="Vector512.Sum{T}"/>, whose order is not specified.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum<T>(Vector512<T> vector) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> half = vector.GetLower() + vector.GetUpper();
        Vector128<T> quarter = half.GetLower() + half.GetUpper();
        if (Vector128<T>.Count == 4)
            return (quarter.GetElement(0) + quarter.GetElement(2)) + (quarter.GetElement(1) + quarter.GetElement(3));
        return quarter.GetElement(0) + quarter.GetElement(1);
    }

    /// <summary>The largest lane (inputs are finite; NaN handling is not specified).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max<T>(Vector512<T> vector) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> half = Vector256.Max(vector.GetLower(), vector.GetUpper());
        Vector128<T> quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        T result = quarter.GetElement(0);
        for (int i = 1; i < Vector128<T>.Count; i++)
        {
            T lane = quarter.GetElement(i);
            if (lane > result) result = lane;
        }
        return result;
    }
}
