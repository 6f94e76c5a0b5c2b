using System.Numerics;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>Adam's per-step scalars, computed once in double and rounded to <typeparamref name="T"/>.</summary>
internal readonly struct AdamScalars<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public AdamScalars(AdamSettings settings)
    {
        WeightDecay = T.CreateTruncating(settings.WeightDecay);
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

    public T WeightDecay { get; }
    public T Beta1 { get; }
    public T OneMinusBeta1 { get; }
    public T Beta2 { get; }
    public T OneMinusBeta2 { get; }
    public T StepSize { get; }
    public T BiasCorrection2Sqrt { get; }
    public T Epsilon { get; }
    public T SmallestNormal { get; }
}
