using System.Numerics;
using ScratchVae.Autograd.Layers;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Optimizers;

/// <summary>Gradient clipping by the global norm, as <c>torch.nn.utils.clip_grad_norm_(parameters, max_norm)</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// ‖g‖ = √(Σ over every parameter and element of g²); when ‖g‖ &gt; maxNorm every gradient is scaled by
    /// maxNorm / (‖g‖ + 1e-6) (PyTorch's formula, the 1e-6 guarding ‖g‖ = 0). Returns ‖g‖ before clipping. One reduction
    /// pass per gradient buffer (SumOfSquares, in a fixed order), one host read, and one scaling pass per buffer only
    /// when clipping; no managed allocation. A parameter that no backward pass reached counts as zero.
    /// </summary>
    public static double ClipByGlobalNorm<T>(IReadOnlyList<NamedParameter<T>> parameters, double maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "ClipByGlobalNorm: the maximum norm must be finite and > 0.");
        double sumOfSquares = 0;
        Span<T> partial = stackalloc T[1];
        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Parameter.Gradient is not { } gradient) continue;
            // Per buffer in T on the device, then added up on the host in double.
            using var sum = ScratchBuffer<T>.Rent(gradient.Device, 1);
            gradient.Backend.SumOfSquares(gradient.Buffer, gradient.Length, sum.Buffer);
            gradient.Backend.Download(sum.Buffer, 0, partial);
            sumOfSquares += double.CreateTruncating(partial[0]);
        }
        double norm = Math.Sqrt(sumOfSquares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1 || double.IsNaN(norm))
        {
            T scale = T.CreateTruncating(coefficient);
            for (int i = 0; i < parameters.Count; i++)
                if (parameters[i].Parameter.Gradient is { } gradient)
                    gradient.Backend.Axpby(scale, gradient.Buffer, T.Zero, gradient.Buffer, gradient.Length);
        }
        return norm;
    }
}
