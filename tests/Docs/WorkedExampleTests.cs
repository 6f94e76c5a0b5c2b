using ScratchVae.Vae;
using ScratchVae.Vae.Demonstrations;

namespace ScratchVae.Tests.Docs;

/// <summary>
/// The worked example of docs/vae-math.md: the library's numbers against an independent float64 computation written
/// here from the definitions (and its parameter gradients against central differences of that computation), the
/// command's output, and the document's copy of it.
/// </summary>
[TestFixture]
public class WorkedExampleTests
{
    // The library computes in float64 with the host backend's own exp/log; the same values to ~1e-15 are expected.
    private const double Tolerance = 1e-12;
    // Central differences with step 1e-6 on a smooth function of O(1) values: truncation ~1e-12, rounding ~1e-10.
    private const double FiniteDifferenceTolerance = 1e-8;

    private const int D = 4, Z = 2;

    /// <summary>Every value of the example computed in plain loops from the definitions.</summary>
    private sealed record Reference(double[] Mu, double[] LogVar, double[] Sigma, double[] Z, double[] Logits, double[] P,
        double[] CrossEntropy, double Reconstruction, double[] KlPerDimension, double Kl, double Loss);

    private static double[][] Parameters() => WorkedExample.ParameterValues.Select(p => p.ToArray()).ToArray();

    private static Reference Compute(double[][] parameters)
    {
        double[] x = WorkedExample.Pixels.ToArray(), eps = WorkedExample.Eps.ToArray();
        double[] wMu = parameters[0], bMu = parameters[1], wLogVar = parameters[2], bLogVar = parameters[3], wOut = parameters[4], bOut = parameters[5];
        var mu = new double[Z];
        var logVar = new double[Z];
        var sigma = new double[Z];
        var z = new double[Z];
        for (int k = 0; k < Z; k++)
        {
            mu[k] = bMu[k];
            logVar[k] = bLogVar[k];
            for (int j = 0; j < D; j++)
            {
                mu[k] += wMu[k * D + j] * x[j];
                logVar[k] += wLogVar[k * D + j] * x[j];
            }
            sigma[k] = Math.Sqrt(Math.Exp(logVar[k]));
            z[k] = mu[k] + sigma[k] * eps[k];
        }
        var logits = new double[D];
        var p = new double[D];
        var crossEntropy = new double[D];
        double reconstruction = 0;
        for (int j = 0; j < D; j++)
        {
            logits[j] = bOut[j];
            for (int k = 0; k < Z; k++) logits[j] += wOut[j * Z + k] * z[k];
            p[j] = 1 / (1 + Math.Exp(-logits[j]));
            // The definition, not the library's stable form: −[x log p + (1 − x) log(1 − p)] (0 · log 0 does not occur here).
            crossEntropy[j] = -(x[j] * Math.Log(p[j]) + (1 - x[j]) * Math.Log(1 - p[j]));
            reconstruction += crossEntropy[j];
        }
        // KL(N(μ, diag σ²) ‖ N(0, I)) = ½ (tr σ² + μᵀμ − k − log det σ²), term by term.
        var klPerDimension = new double[Z];
        for (int k = 0; k < Z; k++)
        {
            double variance = sigma[k] * sigma[k];
            klPerDimension[k] = 0.5 * (variance + mu[k] * mu[k] - 1 - Math.Log(variance));
        }
        double kl = klPerDimension.Sum();
        return new Reference(mu, logVar, sigma, z, logits, p, crossEntropy, reconstruction, klPerDimension, kl, reconstruction + kl);
    }

    private static void AssertClose(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double tolerance, string what)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count), what);
        for (int i = 0; i < expected.Count; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(tolerance), $"{what}[{i}]");
    }

    [Test]
    public void ValuesMatchAnIndependentFloat64Computation()
    {
        var values = WorkedExample.Compute();
        var reference = Compute(Parameters());
        AssertClose(values.Mu, reference.Mu, Tolerance, "mu");
        AssertClose(values.LogVar, reference.LogVar, Tolerance, "logVar");
        AssertClose(values.Sigma, reference.Sigma, Tolerance, "sigma");
        AssertClose(values.Z, reference.Z, Tolerance, "z");
        AssertClose(values.Logits, reference.Logits, Tolerance, "logits");
        AssertClose(values.Probabilities, reference.P, Tolerance, "p");
        AssertClose(values.CrossEntropy, reference.CrossEntropy, Tolerance, "BCE");
        AssertClose(values.KlPerDimension, reference.KlPerDimension, Tolerance, "KL per dimension");
        Assert.That(values.Reconstruction, Is.EqualTo(reference.Reconstruction).Within(Tolerance), "reconstruction");
        Assert.That(values.Kl, Is.EqualTo(reference.Kl).Within(Tolerance), "KL");
        Assert.That(values.Loss, Is.EqualTo(reference.Loss).Within(Tolerance), "loss (NegativeElbo)");
        Assert.That(values.LossFromSteps, Is.EqualTo(reference.Loss).Within(Tolerance), "loss (step by step)");
    }

    [Test]
    public void IntermediateGradientsMatchTheHandDerivedFormulas()
    {
        var values = WorkedExample.Compute();
        var r = Compute(Parameters());
        double[] x = WorkedExample.Pixels.ToArray(), eps = WorkedExample.Eps.ToArray(), wOut = WorkedExample.OutputWeight.ToArray();
        // ∂/∂l of BCE = p − x; ∂/∂z = (p − x) W_out; ∂/∂μ = ∂/∂z + μ; ∂/∂log σ² = ½ ∂/∂z σ ε + ½ (σ² − 1).
        var logits = Enumerable.Range(0, D).Select(j => r.P[j] - x[j]).ToArray();
        var z = Enumerable.Range(0, Z).Select(k => Enumerable.Range(0, D).Sum(j => logits[j] * wOut[j * Z + k])).ToArray();
        var mu = Enumerable.Range(0, Z).Select(k => z[k] + r.Mu[k]).ToArray();
        var logVar = Enumerable.Range(0, Z).Select(k => 0.5 * z[k] * r.Sigma[k] * eps[k] + 0.5 * (r.Sigma[k] * r.Sigma[k] - 1)).ToArray();
        AssertClose(values.LogitsGradient, logits, Tolerance, "d loss/d logits");
        AssertClose(values.ZGradient, z, Tolerance, "d loss/d z");
        AssertClose(values.MuGradient, mu, Tolerance, "d loss/d mu");
        AssertClose(values.LogVarGradient, logVar, Tolerance, "d loss/d logVar");
    }

    [Test]
    public void ParameterGradientsMatchCentralDifferencesOfTheReference()
    {
        var values = WorkedExample.Compute();
        var parameters = Parameters();
        const double step = 1e-6;
        for (int p = 0; p < parameters.Length; p++)
        {
            var numeric = new double[parameters[p].Length];
            for (int e = 0; e < numeric.Length; e++)
            {
                double saved = parameters[p][e];
                parameters[p][e] = saved + step;
                double plus = Compute(parameters).Loss;
                parameters[p][e] = saved - step;
                double minus = Compute(parameters).Loss;
                parameters[p][e] = saved;
                numeric[e] = (plus - minus) / (2 * step);
            }
            AssertClose(values.ParameterGradients[p], numeric, FiniteDifferenceTolerance, $"d loss/d parameter {p}");
        }
    }

    [Test]
    [NonParallelizable]
    public void CommandPrintsTheReport()
    {
        var expected = WorkedExample.Report(WorkedExample.Compute());
        var original = Console.Out;
        using var writer = new StringWriter();
        int exitCode;
        try
        {
            Console.SetOut(writer);
            exitCode = Program.Main(["worked-example"]);
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.That(exitCode, Is.EqualTo(0));
        var printed = writer.ToString().Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToArray();
        Assert.That(printed, Is.EqualTo(expected));
    }

    [Test]
    public void TheDocumentShowsEveryPrintedLine()
    {
        string document = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "vae-math.md"));
        var missing = WorkedExample.Report(WorkedExample.Compute()).Where(line => !document.Contains(line, StringComparison.Ordinal)).ToList();
        Assert.That(missing, Is.Empty, "docs/vae-math.md must show the output of `scratchvae worked-example` verbatim; rerun it and paste the lines that differ.");
    }
}
