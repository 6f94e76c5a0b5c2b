using System.Globalization;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Training;

/// <summary>
/// Training stopped because a loss (training or test) or a parameter became NaN or infinite; nothing was saved from
/// that point on. The message names what went bad, where, and the likeliest cause for this configuration.
/// </summary>
public sealed class NonFiniteLossException(string what, int epoch, int step, double value, VaeOptions model, double learningRate)
    : Exception(string.Create(CultureInfo.InvariantCulture,
        $"the {(what == "training" ? "loss" : what == "test" ? "test loss" : what)} became {value} at epoch {epoch}, step {step} (global); training stopped before saving. {Advice(model, learningRate)}"))
{
    /// <summary>What became non-finite: "training", "test" or "parameter NAME".</summary>
    public string What { get; } = what;
    /// <summary>The epoch in which it happened.</summary>
    public int Epoch { get; } = epoch;
    /// <summary>The global step (the optimizer's t) at which it happened.</summary>
    public int Step { get; } = step;

    /// <summary>The likeliest cause: a tiny Gaussian variance scales the squared error by 1/(2σ²); otherwise the step size.</summary>
    public static string Advice(VaeOptions model, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Likelihood == Likelihood.Gaussian && model.GaussianVariance < 1e-3)
            return string.Create(CultureInfo.InvariantCulture,
                $"--variance {model.GaussianVariance:G3} multiplies the squared error by 1/(2σ²) = {1 / (2 * model.GaussianVariance):G3}; raise --variance (a smaller --lr does not remove that scale).");
        return string.Create(CultureInfo.InvariantCulture, $"The step size is the likeliest cause: try a smaller --lr than {learningRate:G3}, or --clip-norm.");
    }
}
