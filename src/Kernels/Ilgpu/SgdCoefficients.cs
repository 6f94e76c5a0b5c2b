using System.Numerics;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// SGD's per-step constants and switches, computed once on the host in double precision and rounded to
/// <typeparamref name="T"/>, so that the kernel holds one struct parameter. Switches are ints rather than bools because
/// GPU kernel parameters are passed as plain memory.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct SgdCoefficients<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Derives the constants from <paramref name="settings"/>.</summary>
    public SgdCoefficients(SgdSettings settings)
    {
        LearningRate = T.CreateTruncating(settings.LearningRate);
        WeightDecay = T.CreateTruncating(settings.WeightDecay);
        Momentum = T.CreateTruncating(settings.Momentum);
        OneMinusDampening = T.CreateTruncating(1.0 - settings.Dampening);
        UsesMomentum = settings.Momentum != 0 ? 1 : 0;
        Nesterov = settings.Nesterov ? 1 : 0;
        FirstStep = settings.FirstStep ? 1 : 0;
    }

    /// <summary>lr.</summary>
    public T LearningRate { get; }
    /// <summary>λ, the L2 weight decay added to the gradient.</summary>
    public T WeightDecay { get; }
    /// <summary>μ.</summary>
    public T Momentum { get; }
    /// <summary>1 − dampening.</summary>
    public T OneMinusDampening { get; }
    /// <summary>1 when μ ≠ 0 (the momentum buffer is updated and stepped along), else 0.</summary>
    public int UsesMomentum { get; }
    /// <summary>1 for Nesterov momentum (step along g + μ b), else 0.</summary>
    public int Nesterov { get; }
    /// <summary>1 on the first step, when the momentum buffer is set to the gradient rather than read, else 0.</summary>
    public int FirstStep { get; }
}
