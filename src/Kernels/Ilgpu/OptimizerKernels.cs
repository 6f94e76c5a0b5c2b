using System.Numerics;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>Optimizer steps over parameter buffers, Adam and SGD (grid-stride, see <see cref="ElementwiseKernels"/>).</summary>
public static class OptimizerKernels
{
    /// <summary>
    /// One Adam step in place, as torch.optim.Adam: g ← g + λθ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
    /// θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε); or, with decoupled weight decay, as torch.optim.AdamW:
    /// θ ← θ · (1 − lr·λ) first and g left alone (the coefficients then hold λ = 0 and a factor ≠ 1; in the L2 form the
    /// factor is 1, which changes no bit). Moments below the smallest normal number are stored as zero
    /// (<see cref="AdamSettings.SmallestNormal{T}"/>), as in the host's loop.
    /// </summary>
    public static void AdamUpdate<T>(Index1D thread, ArrayView<T> parameters, ArrayView<T> gradients, ArrayView<T> firstMoment, ArrayView<T> secondMoment,
        AdamCoefficients<T> coefficients, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long i = thread; i < length; i += stride)
        {
            T parameter = coefficients.DecayFactor * parameters[i];
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

    /// <summary>
    /// One SGD step in place, as torch.optim.SGD: g ← g + λθ; with momentum μ, b ← g on the first step or
    /// b ← μ b + (1 − dampening) g after it, then g ← g + μ b (Nesterov) or g ← b; θ ← θ − lr · g. Without momentum
    /// <paramref name="momentumBuffer"/> is neither read nor written (the backend passes the parameters in its place, as a
    /// kernel cannot take a null view). Decisions match the host's loop: λ is added only when it is not 0.
    /// </summary>
    public static void SgdUpdate<T>(Index1D thread, ArrayView<T> parameters, ArrayView<T> gradients, ArrayView<T> momentumBuffer,
        SgdCoefficients<T> coefficients, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long i = thread; i < length; i += stride)
        {
            T parameter = parameters[i];
            T gradient = gradients[i];
            if (coefficients.WeightDecay != T.Zero) gradient += coefficients.WeightDecay * parameter;
            if (coefficients.UsesMomentum != 0)
            {
                T buffer = coefficients.FirstStep != 0
                    ? gradient
                    : coefficients.Momentum * momentumBuffer[i] + coefficients.OneMinusDampening * gradient;
                momentumBuffer[i] = buffer;
                gradient = coefficients.Nesterov != 0 ? gradient + coefficients.Momentum * buffer : buffer;
            }
            parameters[i] = parameter - coefficients.LearningRate * gradient;
        }
    }
}
