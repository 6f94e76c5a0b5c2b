// Shape legend: B examples, D observed dimensions, Z latent dimensions. x [B, D]; z [B, Z]; W [D, Z]; b [D].
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Evaluation;

namespace ScratchVae.Tests.Vae.Support;

/// <summary>
/// Probabilistic PCA, a latent-variable model whose marginal likelihood is known in closed form:
/// p(z) = N(0, I), p(x | z) = N(W z + b, σ² I), so p(x) = N(b, W Wᵀ + σ² I). The columns of W are orthogonal,
/// which makes the exact posterior diagonal: p(z | x) = N(Σ Wᵀ (x − b) / σ², Σ) with Σⱼ = σ² / (σ² + ‖wⱼ‖²).
/// The encoder is that posterior, optionally spoiled (means scaled, log-variances shifted) to make a poor proposal.
/// </summary>
public sealed class LinearGaussianModel : ILatentVariableModel<double>, IDisposable
{
    private readonly Tensor<double> _weight, _bias, _encoderWeight, _encoderBias;
    private readonly double[] _posteriorLogVariance;

    /// <summary>W (row-major [D, Z]), b, σ².</summary>
    public double[] W { get; }
    /// <summary>b.</summary>
    public double[] B { get; }
    /// <summary>σ².</summary>
    public double Variance { get; }
    /// <summary>D.</summary>
    public int Dimensions { get; }
    /// <summary>Z.</summary>
    public int LatentSize { get; }

    /// <summary>
    /// A model with D = <paramref name="dimensions"/>, Z = <paramref name="latent"/>, W from Gram–Schmidt on random
    /// vectors (column norms 0.8 … 2), b random, σ² = <paramref name="variance"/>. The encoder's means are multiplied by
    /// <paramref name="meanScale"/> and its log-variances shifted by <paramref name="logVarianceShift"/> (1 and 0: exact).
    /// </summary>
    public LinearGaussianModel(Device device, int dimensions, int latent, double variance, int seed, double meanScale = 1, double logVarianceShift = 0)
    {
        var random = new Random(seed);
        Dimensions = dimensions;
        LatentSize = latent;
        Variance = variance;
        var columns = new double[latent][];
        for (int j = 0; j < latent; j++)
        {
            var v = Enumerable.Range(0, dimensions).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            for (int k = 0; k < j; k++)
            {
                double dot = v.Zip(columns[k]).Sum(p => p.First * p.Second) / columns[k].Sum(c => c * c);
                for (int i = 0; i < dimensions; i++) v[i] -= dot * columns[k][i];
            }
            double norm = Math.Sqrt(v.Sum(c => c * c)), target = 0.8 + 1.2 * j / Math.Max(1, latent - 1);
            columns[j] = v.Select(c => c / norm * target).ToArray();
        }
        W = new double[dimensions * latent];
        for (int i = 0; i < dimensions; i++)
            for (int j = 0; j < latent; j++) W[i * latent + j] = columns[j][i];
        B = Enumerable.Range(0, dimensions).Select(_ => random.NextDouble() - 0.5).ToArray();

        // Exact posterior: mu = (x − b) A with A[:, j] = wⱼ Σⱼ / σ², so the encoder is linear with bias −b A.
        var a = new double[dimensions * latent];
        var encoderBias = new double[latent];
        _posteriorLogVariance = new double[latent];
        for (int j = 0; j < latent; j++)
        {
            double squaredNorm = columns[j].Sum(c => c * c);
            double posteriorVariance = variance / (variance + squaredNorm);
            _posteriorLogVariance[j] = Math.Log(posteriorVariance) + logVarianceShift;
            for (int i = 0; i < dimensions; i++)
            {
                a[i * latent + j] = meanScale * columns[j][i] * posteriorVariance / variance;
                encoderBias[j] -= B[i] * a[i * latent + j];
            }
        }
        _weight = Tensor<double>.FromArray(W, Shape.Matrix(dimensions, latent), device);
        _bias = Tensor<double>.FromArray(B, Shape.Vector(dimensions), device);
        _encoderWeight = Tensor<double>.FromArray(a, Shape.Matrix(dimensions, latent), device);
        _encoderBias = Tensor<double>.FromArray(encoderBias, Shape.Vector(latent), device);
    }

    /// <inheritdoc />
    public (Var<double> Mu, Var<double> LogVar) Encode(Var<double> x)
    {
        int rows = x.Shape[0];
        var mu = Ops.MatMul(x, Var<double>.Constant(_encoderWeight)) + Var<double>.Constant(_encoderBias);
        var logVar = new double[rows * LatentSize];
        for (int i = 0; i < rows; i++) _posteriorLogVariance.CopyTo(logVar, i * LatentSize);
        return (mu, Var<double>.Constant(Tensor<double>.FromArray(logVar, Shape.Matrix(rows, LatentSize), x.Device), takeOwnership: true));
    }

    /// <inheritdoc />
    public Var<double> LogLikelihood(Var<double> z, Var<double> x)
    {
        // log p(x | z) = log N(x; z Wᵀ + b, σ² I)
        var mean = Ops.MatMul(z, Var<double>.Constant(_weight), transposeB: true) + Var<double>.Constant(_bias);
        return Ops.GaussianLogLikelihood(x, mean, Variance);
    }

    /// <summary>log p(x) = log N(x; b, W Wᵀ + σ² I), by a Cholesky factorisation in plain float64 loops.</summary>
    public double ExactLogLikelihood(ReadOnlySpan<double> x)
    {
        int d = Dimensions;
        var covariance = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int k = 0; k < d; k++)
            {
                double sum = i == k ? Variance : 0;
                for (int j = 0; j < LatentSize; j++) sum += W[i * LatentSize + j] * W[k * LatentSize + j];
                covariance[i, k] = sum;
            }
        // C = L Lᵀ
        var l = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int k = 0; k <= i; k++)
            {
                double sum = covariance[i, k];
                for (int j = 0; j < k; j++) sum -= l[i, j] * l[k, j];
                l[i, k] = i == k ? Math.Sqrt(sum) : sum / l[k, k];
            }
        // Solve L y = x − b; then (x − b)ᵀ C⁻¹ (x − b) = ‖y‖² and log det C = 2 Σ log Lᵢᵢ.
        var y = new double[d];
        double quadratic = 0, logDeterminant = 0;
        for (int i = 0; i < d; i++)
        {
            double sum = x[i] - B[i];
            for (int j = 0; j < i; j++) sum -= l[i, j] * y[j];
            y[i] = sum / l[i, i];
            quadratic += y[i] * y[i];
            logDeterminant += 2 * Math.Log(l[i, i]);
        }
        return -0.5 * (d * Math.Log(2 * Math.PI) + logDeterminant + quadratic);
    }

    /// <summary><paramref name="count"/> draws x = W z + b + σ ε from the model itself (Box–Muller on System.Random).</summary>
    public double[] Draw(int count, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var x = new double[count * Dimensions];
        for (int n = 0; n < count; n++)
        {
            var z = Enumerable.Range(0, LatentSize).Select(_ => Normal()).ToArray();
            for (int i = 0; i < Dimensions; i++)
            {
                double value = B[i] + Math.Sqrt(Variance) * Normal();
                for (int j = 0; j < LatentSize; j++) value += W[i * LatentSize + j] * z[j];
                x[n * Dimensions + i] = value;
            }
        }
        return x;
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
        _encoderWeight.Dispose();
        _encoderBias.Dispose();
    }
}
