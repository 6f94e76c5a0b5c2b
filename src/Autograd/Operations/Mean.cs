// Shape legend: x [M, N] (any rank for the mean of everything). The mean over axis 0 gives [N]; over axis 1, [M];
// of everything, a scalar []. Forward and backward are the sum's (Sum.cs) with the scale 1 / (number of terms).
using System.Numerics;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>The mean of all elements, a scalar: y = (1/n) Σᵢ x[i].</summary>
    public static Var<T> Mean<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Reduce(x, axis: null, keepDimension: false, mean: true);

    /// <summary>
    /// The mean over one axis of a matrix [M, N]: axis 0 gives y[j] = (1/M) Σᵢ x[i, j]; axis 1 gives
    /// y[i] = (1/N) Σⱼ x[i, j]. <paramref name="keepDimension"/> keeps the reduced axis with size 1.
    /// </summary>
    public static Var<T> Mean<T>(Var<T> x, int axis, bool keepDimension = false) where T : unmanaged, IFloatingPointIeee754<T>
        => Reduce(x, axis, keepDimension, mean: true);
}
