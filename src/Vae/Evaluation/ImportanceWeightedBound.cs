// Shape legend: B examples in a batch, D pixels, Z latent dimensions, K importance samples per example,
// S samples per example evaluated together (a chunk), R = S · B rows per chunk.
// x [B, D]; mu, logVar [B, Z]; tiled x [R, D]; tiled mu, logVar, eps, z [R, Z]; log w [R].
// Row r = s · B + i of a chunk holds sample s of example i, so tiling is S plain copies of a [B, ·] block.
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Evaluation;

/// <summary>
/// The importance-weighted estimate of log p(x) (Burda, Grosse &amp; Salakhutdinov, "Importance Weighted
/// Autoencoders", 2016), with the encoder q(z|x) as the proposal:
/// <code>
/// L_K(x) = log (1/K) Σₖ p(x, zₖ) / q(zₖ | x)
///        = logsumexpₖ [log p(x | zₖ) + log p(zₖ) − log q(zₖ | x)] − log K,      zₖ ~ q(z | x) independently.
/// </code>
/// By Jensen's inequality E[L_K] ≤ log p(x); E[L_1] is the ELBO; E[L_K] never decreases with K and tends to
/// log p(x) as K → ∞. When q(z|x) is the exact posterior every weight p(x, z)/q(z|x) equals p(x) and the estimate
/// is exact for any K.
/// <para>
/// The log-weights are computed on the model's device in its precision, S samples of every example of a batch at a
/// time, so that each decoder GEMM has R = S · B ≥ <see cref="RowsPerChunk"/> rows (or all K samples); the
/// log-mean-exp over the K samples is accumulated on the host in float64, streaming, so K is not limited by memory.
/// </para>
/// </summary>
public sealed class ImportanceWeightedBound<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The default number of rows evaluated together: big enough for efficient GEMMs, small in memory (R · D values).</summary>
    public const int DefaultRowsPerChunk = 1024;

    private readonly ILatentVariableModel<T> _model;

    /// <summary>
    /// An estimator with <paramref name="samples"/> = K samples per example, drawing ε from the Philox normal stream
    /// of <paramref name="seed"/> (every batch and chunk uses its own stretch, see <see cref="Estimate"/>).
    /// </summary>
    public ImportanceWeightedBound(ILatentVariableModel<T> model, int samples, ulong seed, int rowsPerChunk = DefaultRowsPerChunk)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        _model = model;
        Samples = samples;
        Seed = seed;
        RowsPerChunk = rowsPerChunk;
    }

    /// <summary>K: importance samples per example.</summary>
    public int Samples { get; }

    /// <summary>The key of the noise stream.</summary>
    public ulong Seed { get; }

    /// <summary>The target number of rows (samples × examples) per forward pass.</summary>
    public int RowsPerChunk { get; }

    /// <summary>
    /// L_K(x) for every example of the batch <paramref name="x"/> [B, D], in float64. Batch number
    /// <paramref name="batchIndex"/> selects the noise: chunk c of that batch uses ε from counter offset
    /// batchIndex · 2⁴⁰ + c · (blocks per chunk), so distinct batches never share noise and a run is reproducible.
    /// <paramref name="progress"/>, when given, receives the number of samples per example done so far after every chunk.
    /// </summary>
    public double[] Estimate(Tensor<T> x, ulong batchIndex, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TensorChecks.Matrix("importance-weighted bound", "x", x);
        int examples = x.Shape[0], pixels = x.Shape[1], latent = _model.LatentSize;
        var device = x.Device;
        var backend = device.Backend;
        // S samples per example per chunk: enough rows for the GEMMs, but not more than K.
        int perChunk = Math.Clamp((RowsPerChunk + examples - 1) / examples, 1, Samples);
        int rows = perChunk * examples;

        // Running log-sum-exp per example in float64: the maximum m and Σ exp(log w − m).
        var maximum = new double[examples];
        var scaledSum = new double[examples];
        Array.Fill(maximum, double.NegativeInfinity);

        using var tiledX = Tensor<T>.Empty(Shape.Matrix(rows, pixels), device);
        using var tiledMu = Tensor<T>.Empty(Shape.Matrix(rows, latent), device);
        using var tiledLogVar = Tensor<T>.Empty(Shape.Matrix(rows, latent), device);
        using var eps = Tensor<T>.Empty(Shape.Matrix(rows, latent), device);
        using var scope = Tape.NoGrad();
        {
            // The proposal's parameters depend only on x: encode once, then tile x, mu and logVar S times.
            var (mu, logVar) = _model.Encode(Var<T>.Constant(x));
            for (int s = 0; s < perChunk; s++)
            {
                backend.Copy(x.Buffer, 0, tiledX.Buffer, s * examples * pixels, examples * pixels);
                backend.Copy(mu.Value.Buffer, 0, tiledMu.Buffer, s * examples * latent, examples * latent);
                backend.Copy(logVar.Value.Buffer, 0, tiledLogVar.Buffer, s * examples * latent, examples * latent);
            }
            scope.Reset();
        }

        ulong blocksPerChunk = RandomStreams.BlocksUsed<T>((long)rows * latent);
        var logWeights = new T[rows];
        int chunk = 0;
        for (int done = 0; done < Samples; done += perChunk, chunk++)
        {
            // The last chunk may hold more samples than are still needed: the extra ones are drawn and ignored.
            int used = Math.Min(perChunk, Samples - done);
            ulong counterOffset = (batchIndex << 40) + (ulong)chunk * blocksPerChunk;
            backend.NormalFill(eps.Buffer, 0, eps.Length, Seed, counterOffset, T.Zero, T.One);
            var muVar = Var<T>.Constant(tiledMu);
            var logVarVar = Var<T>.Constant(tiledLogVar);
            // z = mu + exp(logVar / 2) ⊙ ε ~ q(z | x)
            var z = Ops.Reparameterize(muVar, logVarVar, eps);
            LogWeights(_model, Var<T>.Constant(tiledX), muVar, logVarVar, z).Value.CopyTo(logWeights);
            scope.Reset();

            for (int s = 0; s < used; s++)
                for (int i = 0; i < examples; i++)
                {
                    double value = double.CreateTruncating(logWeights[s * examples + i]);
                    // Streaming log-sum-exp: rescale the running sum whenever the maximum grows, so no exp overflows.
                    if (value > maximum[i])
                    {
                        scaledSum[i] = scaledSum[i] * Math.Exp(maximum[i] - value) + 1;
                        maximum[i] = value;
                    }
                    else
                    {
                        scaledSum[i] += Math.Exp(value - maximum[i]);
                    }
                }
            progress?.Invoke(done + used);
        }

        // L_K = m + log Σ exp(log w − m) − log K. A NaN log-weight leaves the maximum at −∞ or poisons the sum; report NaN.
        var estimates = new double[examples];
        double logK = Math.Log(Samples);
        for (int i = 0; i < examples; i++)
            estimates[i] = double.IsFinite(maximum[i]) ? maximum[i] + Math.Log(scaledSum[i]) - logK : double.NaN;
        return estimates;
    }

    /// <summary>
    /// The log importance weights log w = log p(x | z) + log p(z) − log q(z | x) per row, [R], for samples z [R, Z]
    /// of the proposal N(mu, diag(exp(logVar))), with the prior p(z) = N(0, I).
    /// </summary>
    public static Var<T> LogWeights(ILatentVariableModel<T> model, Var<T> x, Var<T> mu, Var<T> logVar, Var<T> z)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(z);
        var zeros = Var<T>.Constant(Tensor<T>.Zeros(z.Shape, z.Device), takeOwnership: true);
        // log p(z) = log N(z; 0, I): mean 0, log-variance 0.
        var logPrior = Ops.GaussianLogLikelihood(z, zeros, zeros);
        // log q(z | x) = log N(z; mu, diag(exp(logVar)))
        var logProposal = Ops.GaussianLogLikelihood(z, mu, logVar);
        return model.LogLikelihood(z, x) + logPrior - logProposal;
    }
}
