using System.Numerics;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Adam's per-step constants, computed once on the host in double precision and rounded to <typeparamref name="T"/>,
/// so that the kernel does no pow and holds one struct parameter.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct AdamCoefficients<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Derives the constants of step t from <paramref name="settings"/>.</summary>
    public AdamCoefficients(AdamSettings settings)
    {
        double biasCorrection1 = 1.0 - Math.Pow(settings.Beta1, settings.Step);
        double biasCorrection2 = 1.0 - Math.Pow(settings.Beta2, settings.Step);
        StepSize = T.CreateTruncating(settings.LearningRate / biasCorrection1);
        Beta1 = T.CreateTruncating(settings.Beta1);
        Beta2 = T.CreateTruncating(settings.Beta2);
        OneMinusBeta1 = T.CreateTruncating(1.0 - settings.Beta1);
        OneMinusBeta2 = T.CreateTruncating(1.0 - settings.Beta2);
        SqrtBiasCorrection2 = T.CreateTruncating(Math.Sqrt(biasCorrection2));
        Epsilon = T.CreateTruncating(settings.Epsilon);
        // λ goes to one of two places: into the gradient (Adam's L2 form) or into the factor θ is scaled by (AdamW's).
        WeightDecay = settings.DecoupledWeightDecay ? T.Zero : T.CreateTruncating(settings.WeightDecay);
        DecayFactor = settings.DecoupledWeightDecay ? T.CreateTruncating(1.0 - settings.LearningRate * settings.WeightDecay) : T.One;
        SmallestNormal = AdamSettings.SmallestNormal<T>();
    }

    /// <summary>lr / (1 − β1ᵗ).</summary>
    public T StepSize { get; }
    /// <summary>β1.</summary>
    public T Beta1 { get; }
    /// <summary>β2.</summary>
    public T Beta2 { get; }
    /// <summary>1 − β1.</summary>
    public T OneMinusBeta1 { get; }
    /// <summary>1 − β2.</summary>
    public T OneMinusBeta2 { get; }
    /// <summary>√(1 − β2ᵗ).</summary>
    public T SqrtBiasCorrection2 { get; }
    /// <summary>ε.</summary>
    public T Epsilon { get; }
    /// <summary>λ, the L2 weight decay added to the gradient (0 when the decay is decoupled).</summary>
    public T WeightDecay { get; }
    /// <summary>1 − lr·λ, the decoupled weight decay's factor θ is multiplied by before the step (1 in the L2 form, which changes no bit).</summary>
    public T DecayFactor { get; }
    /// <summary>Moments below this are stored as zero (<see cref="AdamSettings.SmallestNormal{T}"/>).</summary>
    public T SmallestNormal { get; }
}
