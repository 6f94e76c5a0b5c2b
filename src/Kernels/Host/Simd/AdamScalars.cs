using System.Numerics;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>Adam's per-step scalars, computed once in double and rounded to <typeparamref name="T"/>.</summary>
internal readonly struct AdamScalars<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public AdamScalars(AdamSettings settings)
    {
        // λ goes to one of two places: into the gradient (Adam's L2 form) or into the factor θ is scaled by (AdamW's).
        WeightDecay = settings.DecoupledWeightDecay ? T.Zero : T.CreateTruncating(settings.WeightDecay);
        DecayFactor = settings.DecoupledWeightDecay ? T.CreateTruncating(1.0 - settings.LearningRate * settings.WeightDecay) : T.One;
        Beta1 = T.CreateTruncating(settings.Beta1);
        OneMinusBeta1 = T.CreateTruncating(1.0 - settings.Beta1);
        Beta2 = T.CreateTruncating(settings.Beta2);
        OneMinusBeta2 = T.CreateTruncating(1.0 - settings.Beta2);
        // Bias corrections 1 − βᵗ in double: for small t they are tiny differences of numbers near 1.
        double biasCorrection1 = 1.0 - Math.Pow(settings.Beta1, settings.Step);
        double biasCorrection2 = 1.0 - Math.Pow(settings.Beta2, settings.Step);
        StepSize = T.CreateTruncating(settings.LearningRate / biasCorrection1);
        BiasCorrection2Sqrt = T.CreateTruncating(Math.Sqrt(biasCorrection2));
        Epsilon = T.CreateTruncating(settings.Epsilon);
        SmallestNormal = AdamSettings.SmallestNormal<T>();
    }

    /// <summary>λ of the L2 form, added to the gradient (0 when the decay is decoupled).</summary>
    public T WeightDecay { get; }
    /// <summary>1 − lr·λ of the decoupled form, which θ is multiplied by before the step (1 in the L2 form).</summary>
    public T DecayFactor { get; }
    public T Beta1 { get; }
    public T OneMinusBeta1 { get; }
    public T Beta2 { get; }
    public T OneMinusBeta2 { get; }
    public T StepSize { get; }
    public T BiasCorrection2Sqrt { get; }
    public T Epsilon { get; }
    public T SmallestNormal { get; }
}
