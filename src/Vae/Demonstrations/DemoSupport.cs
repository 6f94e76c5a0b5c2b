// Shape legend: B examples per batch, D pixels, N probe images.
using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>
/// What the demonstrations share: batches taken in order from a data set (the embedded MNIST is stored shuffled),
/// a fixed probe of test images, the per-example loss on that probe, and gradient norms.
/// </summary>
public static class DemoSupport
{
    /// <summary>The batch of <paramref name="batchSize"/> images that step <paramref name="step"/> (0-based) uses, wrapping around the set, as a [B, D] tensor.</summary>
    public static Tensor<float> Batch(ImageDataSet set, int step, int batchSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(set);
        var pixels = new float[batchSize * set.PixelsPerImage];
        long first = (long)step * batchSize;
        for (int r = 0; r < batchSize; r++)
            set.Image((int)((first + r) % set.Count)).CopyTo(pixels.AsSpan(r * set.PixelsPerImage, set.PixelsPerImage));
        return Tensor<float>.FromArray(pixels, Shape.Matrix(batchSize, set.PixelsPerImage), device);
    }

    /// <summary>The first <paramref name="count"/> images of <paramref name="set"/> (all of them when it has fewer) as an [N, D] tensor.</summary>
    public static Tensor<float> Probe(ImageDataSet set, int count, Device device)
    {
        ArgumentNullException.ThrowIfNull(set);
        count = Math.Min(count, set.Count);
        return Tensor<float>.FromArray(set.Pixels.AsSpan(0, count * set.PixelsPerImage), Shape.Matrix(count, set.PixelsPerImage), device);
    }

    /// <summary>The encoder's q(z|x) of every row of <paramref name="x"/>: μ and log σ² [N, Z], row-major, on the host.</summary>
    public static (float[] Mu, float[] LogVar) Posterior(VaeModel<float> model, Tensor<float> x)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = Tape.NoGrad();
        var (mu, logVar) = model.Encode(Var<float>.Constant(x));
        return (mu.Value.ToArray(), logVar.Value.ToArray());
    }

    /// <summary>
    /// The mean negative ELBO, reconstruction and KL per example over <paramref name="probe"/>, with one z per example
    /// drawn from the evaluation stream of <paramref name="seed"/> (so every model is measured with the same ε).
    /// </summary>
    public static (double Loss, double Reconstruction, double Kl) Evaluate(VaeModel<float> model, Tensor<float> probe, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(probe);
        using var scope = Tape.NoGrad();
        var terms = model.NegativeElbo(Var<float>.Constant(probe), Seeds.Derive(seed, Seeds.EvaluationNoise), 0);
        int count = probe.Shape[0];
        return (terms.Loss.Value.Item() / count, terms.Reconstruction.Value.Item() / count, terms.Kl.Value.Item() / count);
    }

    /// <summary>√(Σ g²) over the accumulated gradients of <paramref name="parameters"/> (0 for a parameter no gradient reached).</summary>
    public static double GradientNorm(IEnumerable<Parameter<float>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sum = 0;
        foreach (var parameter in parameters)
        {
            if (parameter.Gradient is not { } gradient) continue;
            foreach (float g in gradient.ToArray()) sum += (double)g * g;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>The parameters whose names start with <paramref name="prefix"/> ("encoder.", "decoder.", "encoder.mu.", …).</summary>
    public static IReadOnlyList<Parameter<float>> Named(VaeModel<float> model, string prefix)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NamedParameters().Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p.Parameter).ToList();
    }

    /// <summary>The Philox counter offset of step <paramref name="step"/>'s ε, so that every step draws fresh noise.</summary>
    public static ulong NoiseOffset(int step, int batchSize, int latentSize) => (ulong)step * RandomStreams.BlocksUsed<float>((long)batchSize * latentSize);
}
