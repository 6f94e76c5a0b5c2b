using System.Numerics;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>Optimizer steps over parameter buffers (grid-stride, see <see cref="ElementwiseKernels"/>).</summary>
public static class OptimizerKernels
{
    /// <summary>
    /// One Adam step in place, as torch.optim.Adam: g ← g + λθ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
    /// θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε); moments below the smallest normal number are stored as zero
    /// (<see cref="AdamSettings.SmallestNormal{T}"/>), as in the host's loop.
    /// </summary>
    public static void AdamUpdate<T>(Index1D thread, ArrayView<T> parameters, ArrayView<T> gradients, ArrayView<T> firstMoment, ArrayView<T> secondMoment,
        AdamCoefficients<T> coefficients, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long i = thread; i < length; i += stride)
        {
            T parameter = parameters[i];
            T gradient = gradients[i] + coefficients.WeightDecay * parameter;
            T m = coefficients.Beta1 * firstMoment[i] + coefficients.OneMinusBeta1 * gradient;
            T v = coefficients.Beta2 * secondMoment[i] + coefficients.OneMinusBeta2 * gradient * gradient;
            if (T.Abs(m) < coefficients.SmallestNormal) m = T.Zero;
            if (v < coefficients.SmallestNormal) v = T.Zero;
            firstMoment[i] = m;
            secondMoment[i] = v;
            T denominator = T.Sqrt(v) / coefficients.SqrtBiasCorrection2 + coefficients.Epsilon;
            parameters[i] = parameter - coefficients.StepSize * m / denominator;
        }
    }
}
