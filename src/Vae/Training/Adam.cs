using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Training;

/// <summary>
/// Adam with torch.optim.Adam's exact semantics: with weight decay λ, g ← g + λθ; m ← β1 m + (1−β1) g;
/// v ← β2 v + (1−β2) g²; θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε). One fused pass per parameter
/// buffer (the AdamUpdate primitive) reads θ, g, m, v once and writes θ, m, v once. Moments that fall below the
/// smallest normal float are stored as zero (PyTorch's torch.set_flush_denormal(True)); such a moment cannot move
/// its weight, and subnormal arithmetic is slow on Intel cores (see <see cref="AdamSettings.SmallestNormal{T}"/>).
/// </summary>
public sealed class Adam<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<Parameter<T>> _parameters;
    private readonly Tensor<T>[] _firstMoments;
    private readonly Tensor<T>[] _secondMoments;

    /// <summary>Creates the optimizer with zeroed moments (PyTorch defaults: lr 1e-3, β 0.9 / 0.999, ε 1e-8, no decay).</summary>
    public Adam(IReadOnlyList<Parameter<T>> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        _parameters = parameters;
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        ArgumentChecks.Adam(Settings(1));
        _firstMoments = parameters.Select(p => Tensor<T>.Zeros(p.Shape, p.Device)).ToArray();
        _secondMoments = parameters.Select(p => Tensor<T>.Zeros(p.Shape, p.Device)).ToArray();
    }

    /// <summary>lr.</summary>
    public double LearningRate { get; }
    /// <summary>β1.</summary>
    public double Beta1 { get; }
    /// <summary>β2.</summary>
    public double Beta2 { get; }
    /// <summary>ε.</summary>
    public double Epsilon { get; }
    /// <summary>λ (L2 weight decay added to the gradient).</summary>
    public double WeightDecay { get; }

    /// <summary>t: the number of steps taken so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>m of parameter <paramref name="index"/> (PyTorch's "exp_avg").</summary>
    public Tensor<T> FirstMoment(int index) => _firstMoments[index];

    /// <summary>v of parameter <paramref name="index"/> (PyTorch's "exp_avg_sq").</summary>
    public Tensor<T> SecondMoment(int index) => _secondMoments[index];

    /// <summary>Updates every parameter from its accumulated gradient (zero when none reached it).</summary>
    public void Step()
    {
        StepCount++;
        var settings = Settings(StepCount);
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            var gradient = parameter.GradientOrZeros();
            parameter.Device.Backend.AdamUpdate(parameter.Value.Buffer, gradient.Buffer, _firstMoments[i].Buffer, _secondMoments[i].Buffer, parameter.Length, settings);
        }
    }

    /// <summary>Restores the step count and the moments (from a checkpoint).</summary>
    public void Restore(int stepCount, IReadOnlyList<T[]> firstMoments, IReadOnlyList<T[]> secondMoments)
    {
        if (stepCount < 0) throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "The Adam step count must be ≥ 0.");
        if (firstMoments.Count != _parameters.Count || secondMoments.Count != _parameters.Count)
            throw new ArgumentException($"Adam state for {_parameters.Count} parameters is needed, got {firstMoments.Count} and {secondMoments.Count} moment arrays.");
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (firstMoments[i].Length != _parameters[i].Length || secondMoments[i].Length != _parameters[i].Length)
                throw new ArgumentException($"Adam state of parameter {i} {_parameters[i].Shape} has the wrong length.");
            var backend = _parameters[i].Device.Backend;
            backend.Upload<T>(firstMoments[i], _firstMoments[i].Buffer);
            backend.Upload<T>(secondMoments[i], _secondMoments[i].Buffer);
        }
        StepCount = stepCount;
    }

    private AdamSettings Settings(int step) => new(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, step);

    /// <summary>Frees the moments.</summary>
    public void Dispose()
    {
        foreach (var tensor in _firstMoments.Concat(_secondMoments)) tensor.Dispose();
    }
}
