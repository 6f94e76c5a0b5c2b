// Shape legend: N test images, Z latent dimensions; mu [N, Z] the encoder's means.
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Evaluation;

/// <summary>
/// Active latent units (Burda, Grosse and Salakhutdinov 2016): dimension u is active when the encoder's mean moves
/// with the data, A_u = Var_x(E_q(z|x)[z_u]) = Var_x(μ_u(x)) &gt; 0.01. A collapsed dimension has q(z_u | x) ≈ N(0, 1)
/// for every x, so its mean does not depend on x and it carries no information: the count is how much of the latent
/// space a model uses, the measure of posterior collapse that KL warm-up and free bits are meant to improve.
/// </summary>
public static class ActiveUnits
{
    /// <summary>The threshold on Var_x(μ_u(x)) of Burda et al.</summary>
    public const double Threshold = 0.01;

    /// <summary>Var_x(μ_u(x)) for every dimension u over <paramref name="set"/> (the population variance, in float64).</summary>
    public static double[] Variances(VaeModel<float> model, ImageDataSet set, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        if (set.Count == 0) throw new ArgumentException("Cannot count active units on an empty set of images.", nameof(set));
        float[] means = LatentCodes.Means(model, set, batchSize: batchSize);
        int latent = model.Options.LatentSize, count = set.Count;
        var variances = new double[latent];
        for (int u = 0; u < latent; u++)
        {
            // Two passes: the mean, then the mean squared deviation (no cancellation for means far from 0).
            double mean = 0;
            for (int i = 0; i < count; i++) mean += means[i * latent + u];
            mean /= count;
            double sum = 0;
            for (int i = 0; i < count; i++)
            {
                double d = means[i * latent + u] - mean;
                sum += d * d;
            }
            variances[u] = sum / count;
        }
        return variances;
    }

    /// <summary>The number of dimensions whose Var_x(μ_u(x)) exceeds <see cref="Threshold"/>.</summary>
    public static int Count(IReadOnlyList<double> variances) => variances.Count(v => v > Threshold);
}
