// Shape legend: D = 4 pixels, Z = 2 latent dimensions, one example, no hidden layer.
// x [1, D]; W_mu, W_logVar [Z, D]; b_mu, b_logVar [Z]; eps, mu, logVar, z [1, Z]; W_out [D, Z]; b_out [D]; logits [1, D].
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Demonstrations;

/// <summary>Every number of the worked example, in float64 (see <see cref="WorkedExample"/>).</summary>
/// <param name="Mu">μ = x · W_muᵀ + b_mu [Z].</param>
/// <param name="LogVar">log σ² = x · W_logVarᵀ + b_logVar [Z].</param>
/// <param name="Sigma">σ = exp(log σ² / 2) [Z].</param>
/// <param name="Z">z = μ + σ ⊙ ε [Z].</param>
/// <param name="Logits">l = z · W_outᵀ + b_out [D].</param>
/// <param name="Probabilities">p = sigmoid(l) [D]: the decoder's pixel means.</param>
/// <param name="CrossEntropy">BCE(lⱼ, xⱼ) per pixel [D].</param>
/// <param name="Reconstruction">−log p(x | z) = Σⱼ BCE(lⱼ, xⱼ).</param>
/// <param name="KlPerDimension">−½ (1 + log σⱼ² − μⱼ² − σⱼ²) per latent dimension [Z].</param>
/// <param name="Kl">KL(q(z | x) ‖ N(0, I)), the sum over dimensions.</param>
/// <param name="Loss">The negative ELBO as <see cref="VaeModel{T}.NegativeElbo(Var{T}, Tensor{T})"/> computes it.</param>
/// <param name="LossFromSteps">The same loss assembled step by step from the values above (equal to <paramref name="Loss"/>).</param>
/// <param name="LogitsGradient">∂loss/∂l [D].</param>
/// <param name="ZGradient">∂loss/∂z [Z].</param>
/// <param name="MuGradient">∂loss/∂μ [Z] (reconstruction through z, plus the KL's μ).</param>
/// <param name="LogVarGradient">∂loss/∂log σ² [Z] (reconstruction through z, plus the KL's ½ (σ² − 1)).</param>
/// <param name="ParameterGradients">∂loss/∂θ for every parameter, in the order of <see cref="Module{T}.NamedParameters"/>, from <see cref="VaeModel{T}.NegativeElbo(Var{T}, Tensor{T})"/>.</param>
public sealed record WorkedExampleValues(
    double[] Mu, double[] LogVar, double[] Sigma, double[] Z, double[] Logits, double[] Probabilities,
    double[] CrossEntropy, double Reconstruction, double[] KlPerDimension, double Kl, double Loss, double LossFromSteps,
    double[] LogitsGradient, double[] ZGradient, double[] MuGradient, double[] LogVarGradient,
    IReadOnlyList<double[]> ParameterGradients);

/// <summary>
/// A VAE small enough to follow by hand — 4 pixels, 2 latent dimensions, no hidden layer, fixed weights and a fixed
/// ε — run through the library's own code (<see cref="VaeModel{T}"/>, the autograd operations, the host backend)
/// in float64. <c>scratchvae worked-example</c> prints <see cref="Report"/>; docs/vae-math.md shows the same lines.
/// </summary>
public static class WorkedExample
{
    /// <summary>The architecture: x [4] → {μ, log σ²} [2]; z [2] → logits [4]; ReLU unused (no hidden layer), Bernoulli pixels.</summary>
    public static VaeOptions Options { get; } = new() { InputSize = 4, HiddenSizes = [], LatentSize = 2 };

    /// <summary>The image: 4 pixel intensities in [0, 1] (a 2 × 2 picture, row by row).</summary>
    public static IReadOnlyList<double> Pixels { get; } = [1.0, 0.0, 0.5, 1.0];

    /// <summary>The noise ε ~ N(0, I), fixed so that every number is reproducible.</summary>
    public static IReadOnlyList<double> Eps { get; } = [0.5, -1.0];

    /// <summary>W_mu [2, 4], row by row.</summary>
    public static IReadOnlyList<double> MuWeight { get; } = [0.5, -0.3, 0.2, 0.1, -0.2, 0.4, 0.0, 0.3];
    /// <summary>b_mu [2].</summary>
    public static IReadOnlyList<double> MuBias { get; } = [0.1, -0.2];
    /// <summary>W_logVar [2, 4], row by row.</summary>
    public static IReadOnlyList<double> LogVarWeight { get; } = [0.1, 0.2, -0.4, -0.3, -0.5, 0.1, 0.2, 0.2];
    /// <summary>b_logVar [2].</summary>
    public static IReadOnlyList<double> LogVarBias { get; } = [0.0, -0.1];
    /// <summary>W_out [4, 2], row by row (one row per pixel).</summary>
    public static IReadOnlyList<double> OutputWeight { get; } = [1.0, -0.5, -1.0, 0.5, 0.5, 0.5, 0.8, -0.6];
    /// <summary>b_out [4].</summary>
    public static IReadOnlyList<double> OutputBias { get; } = [0.0, -0.5, 0.2, 0.1];

    /// <summary>The parameters in the order of <see cref="Module{T}.NamedParameters"/>: encoder.mu.weight, .bias, encoder.logvar.weight, .bias, decoder.out.weight, .bias.</summary>
    public static IReadOnlyList<IReadOnlyList<double>> ParameterValues { get; } = [MuWeight, MuBias, LogVarWeight, LogVarBias, OutputWeight, OutputBias];

    /// <summary>Runs the example on the host in float64 and returns every intermediate value and gradient.</summary>
    public static WorkedExampleValues Compute()
    {
        var device = Device.Host;
        using var network = new VaeModel<double>(Options, device, ParameterValues.Select(v => v.ToArray()).ToList());
        var parameters = network.Parameters();
        {
            using var tape = new Tape();
            using var pixels = Tensor<double>.FromArray(Pixels.ToArray(), Shape.Matrix(1, Options.InputSize), device);
            using var eps = Tensor<double>.FromArray(Eps.ToArray(), Shape.Matrix(1, Options.LatentSize), device);
            var x = Var<double>.Constant(pixels);

            // The loss exactly as training computes it, and its parameter gradients.
            var terms = network.NegativeElbo(x, eps);
            terms.Loss.Backward();
            double loss = terms.Loss.Value.Item();
            var parameterGradients = parameters.Select(p => p.Gradient!.ToArray()).ToList();
            foreach (var parameter in parameters) parameter.ZeroGradient();

            // The same computation one step at a time, keeping every intermediate value to print it.
            var (mu, logVar) = network.Encode(x);
            var sigma = Ops.Exp(logVar * 0.5);
            var z = Ops.Reparameterize(mu, logVar, eps);
            var logits = network.Decode(z);
            var probabilities = Ops.Sigmoid(logits);
            var reconstruction = -Ops.Sum(network.LogLikelihood(logits, x));
            var kl = Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar));
            var lossFromSteps = reconstruction + kl;
            // Per pixel and per dimension: the same operations over one column each ([D, 1] and [Z, 1]).
            var crossEntropy = -Ops.BernoulliLogLikelihood(Ops.Reshape(logits, Shape.Matrix(Options.InputSize, 1)), Ops.Reshape(x, Shape.Matrix(Options.InputSize, 1)));
            var klPerDimension = Ops.KlDivergenceToStandardNormal(Ops.Reshape(mu, Shape.Matrix(Options.LatentSize, 1)), Ops.Reshape(logVar, Shape.Matrix(Options.LatentSize, 1)));
            lossFromSteps.Backward();

            return new WorkedExampleValues(
                mu.Value.ToArray(), logVar.Value.ToArray(), sigma.Value.ToArray(), z.Value.ToArray(), logits.Value.ToArray(), probabilities.Value.ToArray(),
                crossEntropy.Value.ToArray(), reconstruction.Value.Item(), klPerDimension.Value.ToArray(), kl.Value.Item(), loss, lossFromSteps.Value.Item(),
                logits.Gradient!.ToArray(), z.Gradient!.ToArray(), mu.Gradient!.ToArray(), logVar.Gradient!.ToArray(),
                parameterGradients);
        }
    }

    /// <summary>The lines <c>scratchvae worked-example</c> prints: inputs, every step with its formula, and the gradients.</summary>
    public static IReadOnlyList<string> Report(WorkedExampleValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var gradients = values.ParameterGradients;
        // (name, formula, value); g_l and g_z name the gradients that flow back through the logits and z.
        (string Name, string Formula, string Value)[] rows =
        [
            ("x", "", Format(Pixels)),
            ("eps", "", Format(Eps)),
            ("mu", "x W_mu^T + b_mu", Format(values.Mu)),
            ("logVar", "x W_logVar^T + b_logVar", Format(values.LogVar)),
            ("sigma", "exp(logVar / 2)", Format(values.Sigma)),
            ("z", "mu + sigma * eps", Format(values.Z)),
            ("logits", "z W_out^T + b_out", Format(values.Logits)),
            ("p", "sigmoid(logits)", Format(values.Probabilities)),
            ("BCE per pixel", "max(l,0) - l x + log(1+e^-|l|)", Format(values.CrossEntropy)),
            ("reconstruction", "sum of BCE", Format(values.Reconstruction)),
            ("KL per dimension", "-(1 + logVar - mu^2 - sigma^2)/2", Format(values.KlPerDimension)),
            ("KL", "sum over dimensions", Format(values.Kl)),
            ("loss", "reconstruction + KL", Format(values.Loss)),
            ("g_l = d loss/d logits", "p - x", Format(values.LogitsGradient)),
            ("g_z = d loss/d z", "g_l W_out", Format(values.ZGradient)),
            ("d loss/d mu", "g_z + mu", Format(values.MuGradient)),
            ("d loss/d logVar", "(g_z sigma eps + sigma^2 - 1)/2", Format(values.LogVarGradient)),
            ("d loss/d b_out", "g_l", Format(gradients[5])),
            ("d loss/d W_out", "g_l^T z", Format(gradients[4])),
            ("d loss/d b_mu", "d loss/d mu", Format(gradients[1])),
            ("d loss/d W_mu", "(d loss/d mu)^T x", Format(gradients[0])),
            ("d loss/d b_logVar", "d loss/d logVar", Format(gradients[3])),
            ("d loss/d W_logVar", "(d loss/d logVar)^T x", Format(gradients[2])),
        ];
        int nameWidth = rows.Max(r => r.Name.Length), formulaWidth = rows.Max(r => r.Formula.Length);
        var lines = new List<string> { "worked example: D = 4 pixels, Z = 2 latent dimensions, no hidden layer, float64 on the host" };
        foreach (var (name, formula, value) in rows)
            lines.Add(formula.Length == 0
                ? $"{name.PadRight(nameWidth)} = {value}"
                : $"{name.PadRight(nameWidth)} = {formula.PadRight(formulaWidth)} = {value}");
        return lines;
    }

    /// <summary>A number with 10 decimals, invariant culture ("-0.1234567890").</summary>
    public static string Format(double value) => value.ToString("0.0000000000", CultureInfo.InvariantCulture);

    /// <summary>A vector as "[a, b, …]" with 10 decimals per element.</summary>
    public static string Format(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(Format)) + "]";
}
