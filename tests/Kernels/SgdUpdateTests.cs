using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// SgdUpdate on every backend and element type against a float64 re-implementation of torch.optim.SGD's
/// single-tensor update, for every combination of momentum, dampening, Nesterov, weight decay and first step, over
/// every length that can end in a vector tail (fewer on the emulator) and one above the host's parallel threshold.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class SgdUpdateTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Steps = 3;

    /// <summary>Every valid combination: Nesterov needs momentum and no dampening (torch's rule), so it is tried without.</summary>
    public static IEnumerable<TestCaseData> Combinations()
    {
        foreach (double momentum in new[] { 0.0, 0.9 })
            foreach (bool nesterov in new[] { false, true })
                foreach (double dampening in new[] { 0.0, 0.3 })
                    foreach (double weightDecay in new[] { 0.0, 0.1 })
                        foreach (bool firstStep in new[] { true, false })
                        {
                            if (nesterov && (momentum == 0 || dampening != 0)) continue;
                            yield return new TestCaseData(momentum, dampening, nesterov, weightDecay, firstStep);
                        }
    }

    /// <summary>1 … 70 (every tail of a 16-lane vector, four times over), fewer on the emulator, and one above the parallel threshold.</summary>
    private IEnumerable<int> Lengths()
    {
        if (IsEmulated)
        {
            foreach (int length in new[] { 1, 2, 7, 16, 17, 33, 70, 1000 }) yield return length;
            yield break;
        }
        for (int length = 1; length <= 70; length++) yield return length;
        yield return 100_003;
    }

    /// <summary>
    /// Three steps: with <paramref name="firstStep"/> the first has FirstStep set (the buffer starts as NaN, so reading it
    /// would show) and the others not; without, every step reads a buffer that starts with earlier momentum.
    /// </summary>
    [TestCaseSource(nameof(Combinations))]
    public void SgdUpdate_MatchesTorchFormula(double momentum, double dampening, bool nesterov, double weightDecay, bool firstStep)
    {
        foreach (int length in Lengths())
        {
            double[] theta = Inputs(length, length, -1, 1);
            double[]? buffer = momentum == 0 ? null
                : firstStep ? Enumerable.Repeat(double.NaN, length).ToArray()
                : Inputs(length + 1, length, -0.5, 0.5);
            var parameters = Upload(theta);
            var momentumBuffer = buffer is null ? null : Upload(buffer);
            for (int step = 1; step <= Steps; step++)
            {
                var settings = new SgdSettings(LearningRate: 0.1, momentum, dampening, weightDecay, nesterov, FirstStep: firstStep && step == 1);
                double[] g = Inputs(length * 10 + step, length, -1, 1);
                var gradients = Upload(g);
                Backend.SgdUpdate(parameters, gradients, momentumBuffer, length, settings);
                TorchSgdStep(theta, g, buffer, settings);
                NumericAssert.AllClose(Download(gradients), g, 0, 0, $"gradients must be left alone (length {length}, step {step})");
            }
            string what = $"SGD (momentum {momentum}, dampening {dampening}, Nesterov {nesterov}, weight decay {weightDecay}, first step {firstStep}) " +
                $"after {Steps} steps, length {length}";
            NumericAssert.AllClose(Download(parameters), theta, Tolerance.FusedRelative, Tolerance.FusedAbsolute, $"{what}: parameters");
            if (buffer is not null)
                NumericAssert.AllClose(Download(momentumBuffer!), buffer, Tolerance.FusedRelative, Tolerance.FusedAbsolute, $"{what}: momentum buffer");
        }
    }

    /// <summary>Without momentum a buffer, when one is given anyway, is neither read nor written, and the step is the same as with none.</summary>
    [Test]
    public void SgdUpdate_WithoutMomentum_LeavesAGivenBufferAlone()
    {
        int length = IsEmulated ? 37 : 301;
        double[] theta = Inputs(1, length, -1, 1), g = Inputs(2, length, -1, 1);
        var settings = new SgdSettings(LearningRate: 0.05, WeightDecay: 0.01, FirstStep: true);
        var withBuffer = Upload(theta);
        var withoutBuffer = Upload(theta);
        var unused = Filled(length, double.NaN);
        var gradients = Upload(g);
        Backend.SgdUpdate(withBuffer, gradients, unused, length, settings);
        Backend.SgdUpdate(withoutBuffer, gradients, null, length, settings);
        NumericAssert.BitIdentical<T>(DownloadRaw(withBuffer), DownloadRaw(withoutBuffer), "a buffer given without momentum");
        Assert.That(Download(unused), Is.All.NaN, "the unused buffer must not be written");
    }

    /// <summary>A length 0 step is allowed and touches nothing; a step with lr = 0 moves no weight but does update the buffer.</summary>
    [Test]
    public void SgdUpdate_OfNothingAndWithZeroLearningRate()
    {
        var empty = Allocate(0);
        Backend.SgdUpdate(empty, empty, empty, 0, new SgdSettings(0.1, Momentum: 0.9));
        double[] theta = [0.5, -0.25, 2, 1, -1, 0.125, 3, -3, 0.75];
        var parameters = Upload(theta);
        var buffer = Filled(theta.Length, 0);
        Backend.SgdUpdate(parameters, Upload(Enumerable.Repeat(1.0, theta.Length).ToArray()), buffer, theta.Length,
            new SgdSettings(LearningRate: 0, Momentum: 0.9, FirstStep: true));
        Assert.That(Download(parameters), Is.EqualTo(theta), "lr = 0 leaves θ");
        Assert.That(Download(buffer), Is.All.EqualTo(1.0), "the first step copies the gradient into the buffer");
    }

    /// <summary>
    /// torch.optim.SGD's _single_tensor_sgd (PyTorch 1.13, maximize off) in float64:
    /// g ← g + λθ; with μ ≠ 0: b ← g (first step: torch clones the gradient) or b ← μ b + (1 − dampening) g;
    /// g ← g + μ b (Nesterov) or g ← b; θ ← θ − lr g.
    /// </summary>
    private static void TorchSgdStep(double[] theta, double[] gradient, double[]? buffer, SgdSettings s)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double g = gradient[i];
            if (s.WeightDecay != 0) g += s.WeightDecay * theta[i];
            if (s.Momentum != 0)
            {
                buffer![i] = s.FirstStep ? g : s.Momentum * buffer[i] + (1 - s.Dampening) * g;
                g = s.Nesterov ? g + s.Momentum * buffer[i] : buffer[i];
            }
            theta[i] -= s.LearningRate * g;
        }
    }
}
