using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// AdamUpdate's two kinds of weight decay on every backend and element type: decoupled (torch.optim.AdamW) against a
/// float64 re-implementation over several steps, and the L2 form (torch.optim.Adam), which the flag's default keeps.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class AdamDecoupledWeightDecayTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Steps = 5;

    private static readonly AdamSettings WithDecay = new(LearningRate: 1e-2, Beta1: 0.8, Beta2: 0.99, Epsilon: 1e-6, WeightDecay: 0.5, Step: 1);

    /// <summary>1 … 40 (every tail of a vector of 8 or 16 lanes), 257, and one above the host's parallel threshold; fewer on the emulator.</summary>
    private IEnumerable<int> Lengths()
    {
        int last = IsEmulated ? 17 : 40;
        for (int length = 1; length <= last; length++) yield return length;
        yield return 257;
        yield return IsEmulated ? 1000 : 100_003;
    }

    [Test]
    public void AdamUpdate_Decoupled_MatchesTorchAdamW_OverSeveralSteps()
    {
        var settings = WithDecay with { DecoupledWeightDecay = true };
        foreach (int length in Lengths())
        {
            var (parameters, firstMoment, secondMoment, reference) = Run(length, settings);
            string what = $"AdamW (weight decay {settings.WeightDecay}) after {Steps} steps, length {length}";
            NumericAssert.AllClose(Download(parameters), reference.Theta, Tolerance.FusedRelative, Tolerance.FusedAbsolute, $"{what}: parameters");
            // As in FusedTests: m's terms have either sign, v's are all positive.
            NumericAssert.AllClose(Download(firstMoment), reference.M, Tolerance.FusedRelative, Tolerance.FusedAbsolute * 0.1, $"{what}: first moment");
            NumericAssert.AllClose(Download(secondMoment), reference.V, Tolerance.FusedRelative, Tolerance.FusedAbsolute * 1e-6, $"{what}: second moment");
        }
    }

    /// <summary>
    /// Settings made as before the flag existed (six arguments, so DecoupledWeightDecay = false) give torch.optim.Adam's
    /// L2 form; the two forms differ by far more than the tolerance, so the flag is seen to switch between them.
    /// </summary>
    [Test]
    public void AdamUpdate_NotDecoupled_IsTheL2Form()
    {
        int length = IsEmulated ? 77 : 1001;
        var sixArguments = new AdamSettings(1e-2, 0.8, 0.99, 1e-6, 0.5, 1);
        Assert.That(sixArguments.DecoupledWeightDecay, Is.False);
        var (parameters, firstMoment, secondMoment, reference) = Run(length, sixArguments);
        NumericAssert.AllClose(Download(parameters), reference.Theta, Tolerance.FusedRelative, Tolerance.FusedAbsolute, "L2 form: parameters");
        NumericAssert.AllClose(Download(firstMoment), reference.M, Tolerance.FusedRelative, Tolerance.FusedAbsolute * 0.1, "L2 form: first moment");
        NumericAssert.AllClose(Download(secondMoment), reference.V, Tolerance.FusedRelative, Tolerance.FusedAbsolute * 1e-6, "L2 form: second moment");

        var decoupledReference = Reference(length, sixArguments with { DecoupledWeightDecay = true });
        double[] actual = Download(parameters);
        int differing = Enumerable.Range(0, length).Count(i =>
            !NumericAssert.IsClose(actual[i], decoupledReference.Theta[i], Tolerance.FusedRelative, Tolerance.FusedAbsolute));
        Assert.That(differing, Is.GreaterThan(length / 2), "the L2 form must not match AdamW's reference");
    }

    /// <summary>With λ = 0 the two forms are the same step, to the bit.</summary>
    [Test]
    public void AdamUpdate_WithoutWeightDecay_IsTheSameEitherWay()
    {
        int length = IsEmulated ? 77 : 1001;
        var plain = WithDecay with { WeightDecay = 0 };
        var (l2Parameters, l2First, l2Second, _) = Run(length, plain);
        var (decoupledParameters, decoupledFirst, decoupledSecond, _) = Run(length, plain with { DecoupledWeightDecay = true });
        NumericAssert.BitIdentical<T>(DownloadRaw(decoupledParameters), DownloadRaw(l2Parameters), "λ = 0: parameters");
        NumericAssert.BitIdentical<T>(DownloadRaw(decoupledFirst), DownloadRaw(l2First), "λ = 0: first moment");
        NumericAssert.BitIdentical<T>(DownloadRaw(decoupledSecond), DownloadRaw(l2Second), "λ = 0: second moment");
    }

    private sealed record ReferenceState(double[] Theta, double[] M, double[] V);

    /// <summary><see cref="Steps"/> steps of AdamUpdate from fresh moments, and the float64 reference of the same steps.</summary>
    private (DeviceBuffer<T> Parameters, DeviceBuffer<T> FirstMoment, DeviceBuffer<T> SecondMoment, ReferenceState Reference) Run(int length, AdamSettings settings)
    {
        var parameters = Upload(Inputs(length, length, -1, 1));
        var firstMoment = Filled(length, 0);
        var secondMoment = Filled(length, 0);
        for (int step = 1; step <= Steps; step++)
        {
            double[] g = Gradients(length, step);
            var gradients = Upload(g);
            Backend.AdamUpdate(parameters, gradients, firstMoment, secondMoment, length, settings with { Step = step });
            NumericAssert.AllClose(Download(gradients), g, 0, 0, $"gradients must be left alone (step {step})");
        }
        return (parameters, firstMoment, secondMoment, Reference(length, settings));
    }

    private static ReferenceState Reference(int length, AdamSettings settings)
    {
        var state = new ReferenceState(Inputs(length, length, -1, 1), new double[length], new double[length]);
        for (int step = 1; step <= Steps; step++) TorchAdamStep(state, Gradients(length, step), settings with { Step = step });
        return state;
    }

    /// <summary>Gradients of mixed magnitude: on the small ones the decay dominates the step.</summary>
    private static double[] Gradients(int length, int step)
        => TestData.RoundTo<T>(Inputs(length * 10 + step, length, -1, 1).Select((x, i) => i % 3 == 0 ? x * 1e-6 : x).ToArray());

    /// <summary>
    /// torch.optim.Adam / AdamW (PyTorch 1.13) single-tensor update in float64. L2: g ← g + λθ. Decoupled: θ ← θ · (1 − lr·λ).
    /// Then m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).
    /// </summary>
    private static void TorchAdamStep(ReferenceState state, double[] gradient, AdamSettings s)
    {
        double biasCorrection1 = 1 - Math.Pow(s.Beta1, s.Step), biasCorrection2 = 1 - Math.Pow(s.Beta2, s.Step);
        double[] theta = state.Theta, m = state.M, v = state.V;
        for (int i = 0; i < theta.Length; i++)
        {
            double g = gradient[i];
            if (s.DecoupledWeightDecay) theta[i] *= 1 - s.LearningRate * s.WeightDecay;
            else g += s.WeightDecay * theta[i];
            m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * g;
            v[i] = s.Beta2 * v[i] + (1 - s.Beta2) * g * g;
            double denominator = Math.Sqrt(v[i]) / Math.Sqrt(biasCorrection2) + s.Epsilon;
            theta[i] -= s.LearningRate / biasCorrection1 * m[i] / denominator;
        }
    }
}
