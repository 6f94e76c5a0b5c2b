using System.Numerics;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>SGD's per-step scalars, computed once in double and rounded to <typeparamref name="T"/>, and its switches.</summary>
internal readonly struct SgdScalars<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public SgdScalars(SgdSettings settings)
    {
        LearningRate = T.CreateTruncating(settings.LearningRate);
        WeightDecay = T.CreateTruncating(settings.WeightDecay);
        Momentum = T.CreateTruncating(settings.Momentum);
        OneMinusDampening = T.CreateTruncating(1.0 - settings.Dampening);
        UsesMomentum = settings.Momentum != 0;
        Nesterov = settings.Nesterov;
        FirstStep = settings.FirstStep;
    }

    public T LearningRate { get; }
    public T WeightDecay { get; }
    public T Momentum { get; }
    public T OneMinusDampening { get; }
    /// <summary>μ ≠ 0: the momentum buffer is updated and stepped along.</summary>
    public bool UsesMomentum { get; }
    public bool Nesterov { get; }
    /// <summary>The momentum buffer is set to the gradient rather than read.</summary>
    public bool FirstStep { get; }
}
