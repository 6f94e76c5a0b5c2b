using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Binary cross-entropy from logits l against targets t, in the stable form ℓ = max(l, 0) − l·t + log(1 + e^−|l|)
/// (never log(sigmoid(l)), which is −∞ for large negative l in floating point), with dℓ/dl = sigmoid(l) − t. Exp and ln
/// are <see cref="ScalarMath"/>'s, not the GPU's ex2/lg2 approximations.
/// </summary>
public static class LossKernels
{
    /// <summary>lossPerRow[i] = Σⱼ ℓ(l[i, j], t[i, j]), j increasing; one thread per row (grid-stride over rows).</summary>
    public static void BceLossPerRow<T>(Index1D thread, ArrayView<T> logits, ArrayView<T> targets, ArrayView<T> lossPerRow, int rows, int columns, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long row = thread; row < rows; row += stride)
        {
            T sum = T.Zero;
            long start = row * columns;
            for (long index = start; index < start + columns; index++) sum += Loss(logits[index], targets[index]);
            lossPerRow[row] = sum;
        }
    }

    /// <summary>gradient[i] (+)= scale · (sigmoid(l[i]) − t[i]) for i &lt; length (grid-stride).</summary>
    public static void BceGradient<T>(Index1D thread, ArrayView<T> logits, ArrayView<T> targets, ArrayView<T> gradient, T scale, int length, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long i = thread; i < length; i += stride)
        {
            T value = scale * (Sigmoid(logits[i]) - targets[i]);
            gradient[i] = accumulate != 0 ? gradient[i] + value : value;
        }
    }

    /// <summary>ℓ = max(l, 0) − l·t + log(1 + e^−|l|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Loss<T>(T logit, T target) where T : unmanaged, IFloatingPointIeee754<T>
        => (logit > T.Zero ? logit : T.Zero) - logit * target + ScalarMath.Log(T.One + ScalarMath.Exp(-T.Abs(logit)));

    /// <summary>sigmoid(l) = 1 / (1 + e^−l) for l ≥ 0 and e^l / (1 + e^l) for l &lt; 0, so e^… never overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sigmoid<T>(T logit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T e = ScalarMath.Exp(-T.Abs(logit));
        return logit >= T.Zero ? T.One / (T.One + e) : e / (T.One + e);
    }
}
