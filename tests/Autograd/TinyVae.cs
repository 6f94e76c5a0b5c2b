using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Tests.Autograd;

/// <summary>
/// A VAE small enough for a full gradient check, built from autograd operations only.
/// Shape legend: B = 4 examples, D = 6 pixels, H = 5 hidden units, Z = 2 latent dimensions.
/// encoder: h = relu(x W₁ + b₁) [B, H]; μ = h W_μ + b_μ, log σ² = h W_σ + b_σ [B, Z];
/// z = μ + exp(½ log σ²) ⊙ ε [B, Z]; decoder: g = relu(z W₃ + b₃) [B, H]; logits = g W₄ + b₄ [B, D];
/// negative ELBO = Σᵢ [−log p(xᵢ | zᵢ) + KL(q(z | xᵢ) ‖ N(0, I))].
/// </summary>
public static class TinyVae
{
    public const int Batch = 4, Pixels = 6, Hidden = 5, Latent = 2;

    /// <summary>The parameter shapes in order: W₁, b₁, W_μ, b_μ, W_σ, b_σ, W₃, b₃, W₄, b₄ (weights stored [in, out]).</summary>
    public static readonly Shape[] ParameterShapes =
    [
        Shape.Matrix(Pixels, Hidden), Shape.Vector(Hidden),
        Shape.Matrix(Hidden, Latent), Shape.Vector(Latent),
        Shape.Matrix(Hidden, Latent), Shape.Vector(Latent),
        Shape.Matrix(Latent, Hidden), Shape.Vector(Hidden),
        Shape.Matrix(Hidden, Pixels), Shape.Vector(Pixels),
    ];

    /// <summary>The negative ELBO summed over the batch, a scalar.</summary>
    public static Var<double> NegativeElbo(IReadOnlyList<Var<double>> p, Tensor<double> x, Tensor<double> eps)
    {
        var input = Var<double>.Constant(x);
        var hidden = Ops.AddBiasActivation<double, ReluOperator>(Ops.MatMul(input, p[0]), p[1]);
        var mu = Ops.MatMul(hidden, p[2]) + p[3];
        var logVar = Ops.MatMul(hidden, p[4]) + p[5];
        var z = Ops.Reparameterize(mu, logVar, eps);
        var decoded = Ops.AddBiasActivation<double, ReluOperator>(Ops.MatMul(z, p[6]), p[7]);
        var logits = Ops.MatMul(decoded, p[8]) + p[9];
        // −ELBO = Σᵢ [−log p(xᵢ|zᵢ) + KLᵢ]
        return Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar) - Ops.BernoulliLogLikelihood(logits, input));
    }

    /// <summary>The same loss in plain float64 loops, as an independent reference for the value.</summary>
    public static double ReferenceNegativeElbo(double[][] p, double[] x, double[] eps)
    {
        double[] Affine(double[] input, int rows, int inner, double[] weight, double[] bias, int columns, bool relu)
        {
            var output = new double[rows * columns];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                {
                    double sum = bias[j];
                    for (int k = 0; k < inner; k++) sum += input[i * inner + k] * weight[k * columns + j];
                    output[i * columns + j] = relu ? Math.Max(sum, 0) : sum;
                }
            return output;
        }
        var h = Affine(x, Batch, Pixels, p[0], p[1], Hidden, true);
        var mu = Affine(h, Batch, Hidden, p[2], p[3], Latent, false);
        var logVar = Affine(h, Batch, Hidden, p[4], p[5], Latent, false);
        var z = new double[Batch * Latent];
        for (int i = 0; i < z.Length; i++) z[i] = mu[i] + Math.Exp(0.5 * logVar[i]) * eps[i];
        var g = Affine(z, Batch, Latent, p[6], p[7], Hidden, true);
        var logits = Affine(g, Batch, Hidden, p[8], p[9], Pixels, false);
        double loss = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            // −log p = −[x log σ(l) + (1 − x) log(1 − σ(l))], directly from the definition
            double probability = 1 / (1 + Math.Exp(-logits[i]));
            loss -= x[i] * Math.Log(probability) + (1 - x[i]) * Math.Log(1 - probability);
        }
        for (int i = 0; i < mu.Length; i++) loss += -0.5 * (1 + logVar[i] - mu[i] * mu[i] - Math.Exp(logVar[i]));
        return loss;
    }
}
