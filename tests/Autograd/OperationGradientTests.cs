using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

/// <summary>Every operation's backward rule against central differences (GradCheck, float64, PyTorch's tolerances), on every device.</summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class OperationGradientTests(string deviceName)
{
    private Device _device = null!;
    private static readonly Dictionary<string, (double Ratio, double AbsoluteError)> WorstRatios = new();

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    [OneTimeTearDown]
    public void Report()
    {
        lock (WorstRatios)
        {
            if (WorstRatios.Count == 0) return;
            var worst = WorstRatios.MaxBy(pair => pair.Value.Ratio);
            var largest = WorstRatios.MaxBy(pair => pair.Value.AbsoluteError);
            TestContext.Progress.WriteLine($"[{deviceName}] {WorstRatios.Count} operations passed GradCheck; worst error ratio {worst.Value.Ratio:G3} ({worst.Key}); " +
                $"largest |analytic − numeric| {largest.Value.AbsoluteError:G3} ({largest.Key}).");
            WorstRatios.Clear();
        }
    }

    private static IEnumerable<TestCaseData> Cases() => OperationCases.All().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(Cases))]
    public void PassesGradCheck(OperationCase operation)
    {
        var inputs = operation.Inputs.Select((spec, i) => TestInputs.Create(spec, TestInputs.Seed(operation.Name, i), _device)).ToArray();
        var constants = (operation.Constants ?? []).Select((spec, i) => TestInputs.Create(spec, TestInputs.Seed(operation.Name, 100 + i), _device)).ToArray();
        try
        {
            var result = GradCheck.Check(v => operation.Function(v, constants), inputs);
            TestContext.Out.WriteLine(result.ToString());
            Assert.That(result.Passed, Is.True, result.ToString());
            Assert.That(result.Comparisons, Is.GreaterThan(0));
            // The check is not vacuous: the output depends on the inputs.
            Assert.That(result.LargestNumeric, Is.GreaterThan(0.01));
            lock (WorstRatios) WorstRatios[operation.Name] = (result.WorstErrorRatio, result.MaxAbsoluteError);
        }
        finally
        {
            foreach (var tensor in inputs.Concat(constants)) tensor.Dispose();
        }
    }
}
