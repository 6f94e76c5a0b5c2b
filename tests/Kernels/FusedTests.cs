using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// BceWithLogits and AdamUpdate on every backend and element type: BCE against the naive textbook formula
/// in float64 (where it is still accurate) and at extreme logits; Adam against a float64 re-implementation of
/// torch.optim.Adam's update over several steps, with and without weight decay.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class FusedTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private IEnumerable<(int Rows, int Columns)> Shapes()
    {
        yield return (1, 1);
        yield return (3, 7);
        yield return (7, 31);
        yield return (33, 20);
        yield return (2, 127);
        yield return (5, 257);
        yield return IsEmulated ? (16, 784) : (128, 784);
    }

    [Test]
    public void BceWithLogits_MatchesNaiveFormula([Values] bool accumulateGradient)
    {
        foreach (var (rows, columns) in Shapes())
        {
            int count = rows * columns;
            double[] logits = Inputs(count, count, -8, 8);
            // Targets like pixel intensities: many exact 0s and 1s, the rest in between.
            double[] targets = TestData.RoundTo<T>(Inputs(count + 1, count, -0.5, 1.5).Select(v => Math.Clamp(v, 0, 1)).ToArray());
            double[] before = Inputs(count + 2, count, -1, 1);
            const double scale = 0.375;
            var loss = Filled(rows, double.NaN);
            var gradient = Upload(before);
            Backend.BceWithLogits(Upload(logits), Upload(targets), rows, columns, loss, gradient, T.CreateTruncating(scale), accumulateGradient);

            var expectedLoss = new double[rows];
            var expectedGradient = new double[count];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                {
                    int index = i * columns + j;
                    double l = logits[index], t = targets[index], sigmoid = 1.0 / (1.0 + Math.Exp(-l));
                    // −[t log σ(l) + (1 − t) log(1 − σ(l))]: fine in float64 for |l| ≤ 8.
                    expectedLoss[i] += -(t * Math.Log(sigmoid) + (1 - t) * Math.Log(1 - sigmoid));
                    expectedGradient[index] = scale * (sigmoid - t) + (accumulateGradient ? before[index] : 0);
                }
            string what = $"BCE over {rows} × {columns}";
            NumericAssert.AllClose(Download(loss), expectedLoss, Tolerance.FusedRelative, Tolerance.FusedAbsolute, $"{what}: loss per row");
            NumericAssert.AllClose(Download(gradient), expectedGradient, Tolerance.DerivativeRelative, Tolerance.DerivativeAbsolute,
                $"{what}: gradient (accumulate {accumulateGradient})");
        }
    }

    [Test]
    public void BceWithLogits_LossOnlyAndGradientOnly_AgreeWithBoth()
    {
        const int rows = 9, columns = 45;
        double[] logits = Inputs(1, rows * columns, -5, 5), targets = Inputs(2, rows * columns, 0, 1);
        var l = Upload(logits);
        var t = Upload(targets);
        var lossBoth = Allocate(rows);
        var gradientBoth = Allocate(rows * columns);
        Backend.BceWithLogits(l, t, rows, columns, lossBoth, gradientBoth, T.One);
        var lossOnly = Allocate(rows);
        Backend.BceWithLogits(l, t, rows, columns, lossOnly, null, T.One);
        var gradientOnly = Allocate(rows * columns);
        Backend.BceWithLogits(l, t, rows, columns, null, gradientOnly, T.One);
        NumericAssert.BitIdentical<T>(DownloadRaw(lossOnly), DownloadRaw(lossBoth), "loss without gradient");
        NumericAssert.BitIdentical<T>(DownloadRaw(gradientOnly), DownloadRaw(gradientBoth), "gradient without loss");
    }

    /// <summary>At |l| = 100 the naive formula overflows or takes log(0); the stable form gives the exact values.</summary>
    [Test]
    public void BceWithLogits_IsStableAtExtremeLogits()
    {
        double[] logits = [100, -100, 100, -100, 100, -100, 0, 30];
        double[] targets = [0, 1, 1, 0, 0.25, 0.25, 0.5, 1];
        int columns = logits.Length;
        var loss = Allocate(1);
        var gradient = Allocate(columns);
        Backend.BceWithLogits(Upload(logits), Upload(targets), 1, columns, loss, gradient, T.One);
        // ℓ = max(l, 0) − l·t + log(1 + e^−|l|) with log1p in float64; dℓ/dl = σ(l) − t.
        double expectedLoss = 0;
        var expectedGradient = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            double l = logits[j], t = targets[j];
            expectedLoss += Math.Max(l, 0) - l * t + double.LogP1(Math.Exp(-Math.Abs(l)));
            expectedGradient[j] = (l >= 0 ? 1 / (1 + Math.Exp(-l)) : Math.Exp(l) / (1 + Math.Exp(l))) - t;
        }
        NumericAssert.Close(Download(loss)[0], expectedLoss, Tolerance.FusedRelative, Tolerance.FusedAbsolute, "loss at extreme logits");
        NumericAssert.AllClose(Download(gradient), expectedGradient, Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, "gradient at extreme logits");
    }

    [Test]
    public void AdamUpdate_MatchesTorchFormula_OverSeveralSteps([Values] bool withWeightDecay)
    {
        var settings = withWeightDecay
            ? new AdamSettings(LearningRate: 1e-2, Beta1: 0.8, Beta2: 0.99, Epsilon: 1e-6, WeightDecay: 0.05, Step: 1)
            : AdamSettings.Default(1);
        foreach (int length in new[] { 1, 7, 31, 33, 257, IsEmulated ? 1000 : 100_003 })
        {
            double[] theta = Inputs(length, length, -1, 1);
            double[] m = new double[length], v = new double[length];
            var parameters = Upload(theta);
            var firstMoment = Filled(length, 0);
            var secondMoment = Filled(length, 0);
            const int steps = 5;
            for (int step = 1; step <= steps; step++)
            {
                // Gradients of mixed magnitude: the small ones make ε's position (outside the square root) matter.
                double[] g = Inputs(length * 10 + step, length, -1, 1).Select((x, i) => i % 3 == 0 ? x * 1e-6 : x).ToArray();
                g = TestData.RoundTo<T>(g);
                var gradients = Upload(g);
                Backend.AdamUpdate(parameters, gradients, firstMoment, secondMoment, length, settings with { Step = step });
                TorchAdamStep(theta, g, m, v, settings with { Step = step });
                NumericAssert.AllClose(Download(gradients), g, 0, 0, $"gradients must be left alone (step {step})");
            }
            string what = $"Adam (weight decay {settings.WeightDecay}) after {steps} steps, length {length}";
            NumericAssert.AllClose(Download(parameters), theta, Tolerance.FusedRelative, Tolerance.FusedAbsolute, $"{what}: parameters");
            // m is a sum of terms of either sign (cancellation leaves an absolute error of order ulp(|g|)); v's terms are all positive.
            NumericAssert.AllClose(Download(firstMoment), m, Tolerance.FusedRelative, Tolerance.FusedAbsolute * 0.1, $"{what}: first moment");
            NumericAssert.AllClose(Download(secondMoment), v, Tolerance.FusedRelative, Tolerance.FusedAbsolute * 1e-6, $"{what}: second moment");
        }
    }

    [Test]
    public void AdamUpdate_StoresMomentsBelowTheSmallestNormalAsZero_AndKeepsNaN()
    {
        // Lanes: [0] a first moment that decays from just above the smallest normal into the subnormal range (stored
        // as 0, where PyTorch would keep 0.9 · 1.05 · 2⁻¹²⁶); [1] a second moment that does the same with β2; [2] ordinary
        // moments, untouched; [3] a NaN gradient, which must stay visible in m, v and θ. 17 lanes reach the vector loop.
        double smallest = double.CreateTruncating(AdamSettings.SmallestNormal<T>());
        const int length = 17;
        double[] theta = Enumerable.Repeat(0.5, length).ToArray();
        double[] m0 = Enumerable.Repeat(1e-3, length).ToArray(), v0 = Enumerable.Repeat(1e-4, length).ToArray();
        double[] g = new double[length];
        m0[0] = smallest * 1.05; v0[1] = smallest * 1.0005;
        g[3] = double.NaN;
        var parameters = Upload(theta);
        var firstMoment = Upload(m0);
        var secondMoment = Upload(v0);
        Backend.AdamUpdate(parameters, Upload(g), firstMoment, secondMoment, length, AdamSettings.Default(1000));
        double[] m = Download(firstMoment), v = Download(secondMoment), updated = Download(parameters);
        Assert.That(m[0], Is.EqualTo(0.0), "a first moment below the smallest normal is stored as 0");
        Assert.That(v[1], Is.EqualTo(0.0), "a second moment below the smallest normal is stored as 0");
        Assert.That(updated[0], Is.EqualTo(0.5), "θ is unchanged by a flushed moment (as by the subnormal one)");
        T beta1 = T.CreateTruncating(0.9), ordinary = T.CreateTruncating(1e-3);
        Assert.That(m[2], Is.EqualTo(double.CreateTruncating(beta1 * ordinary)), "an ordinary moment decays as usual");
        Assert.That(v[0], Is.EqualTo(v[2]), "the second moments of lanes 0 and 2 are alike");
        Assert.That(double.IsNaN(m[3]) && double.IsNaN(v[3]) && double.IsNaN(updated[3]), Is.True,
            $"a NaN gradient must reach m, v and θ (got {m[3]}, {v[3]}, {updated[3]})");
    }

    /// <summary>
    /// torch.optim.Adam's single-tensor update in float64:
    /// g ← g + λθ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
    /// θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).
    /// </summary>
    private static void TorchAdamStep(double[] theta, double[] gradient, double[] m, double[] v, AdamSettings s)
    {
        double biasCorrection1 = 1 - Math.Pow(s.Beta1, s.Step), biasCorrection2 = 1 - Math.Pow(s.Beta2, s.Step);
        for (int i = 0; i < theta.Length; i++)
        {
            double g = gradient[i] + s.WeightDecay * theta[i];
            m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * g;
            v[i] = s.Beta2 * v[i] + (1 - s.Beta2) * g * g;
            double denominator = Math.Sqrt(v[i]) / Math.Sqrt(biasCorrection2) + s.Epsilon;
            theta[i] -= s.LearningRate / biasCorrection1 * m[i] / denominator;
        }
    }
}
