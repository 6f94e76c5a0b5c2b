using NUnit.Framework;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// On every backend, in float64: MapBackward agrees with central differences of the same backend's Map, with
/// torch.autograd.gradcheck's step and tolerances — a check independent of the hand-written derivative references.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendFloat64))]
public sealed class MapFiniteDifferenceTests(string backendName, double elementType) : BackendFixture<double>(backendName, elementType)
{
    /// <summary>Central-difference step (as gradcheck).</summary>
    private const double FiniteDifferenceStep = 1e-6;

    /// <summary>gradcheck's default tolerances: |analytic − numeric| ≤ atol + rtol · |numeric|.</summary>
    private const double GradcheckAbsolute = 1e-5, GradcheckRelative = 1e-3;

    private static readonly UnaryCase[] UnaryCases = OperatorCases.Unary;

    /// <summary>In float64, MapBackward agrees with central differences of the backend's own Map (gradcheck's rule).</summary>
    [TestCaseSource(nameof(UnaryCases))]
    public void MapBackward_AgreesWithFiniteDifferencesOfMap(UnaryCase op)
    {
        const int length = 40;
        double[] x = Inputs(3, length, op.Low, op.High);
        if (op.Kink is double kink)
            for (int i = 0; i < length; i++)
                if (Math.Abs(x[i] - kink) < 1e-3) x[i] = kink + 0.5;
        double[] plus = x.Select(v => v + FiniteDifferenceStep).ToArray(), minus = x.Select(v => v - FiniteDifferenceStep).ToArray();
        var yPlus = Allocate(length);
        var yMinus = Allocate(length);
        op.Map(Backend, Upload(plus), yPlus, length);
        op.Map(Backend, Upload(minus), yMinus, length);
        double[] fPlus = Download(yPlus), fMinus = Download(yMinus);
        double[] numeric = new double[length];
        for (int i = 0; i < length; i++) numeric[i] = (fPlus[i] - fMinus[i]) / (2 * FiniteDifferenceStep);

        var xBuffer = Upload(x);
        var yBuffer = Allocate(length);
        op.Map(Backend, xBuffer, yBuffer, length);
        var dx = Allocate(length);
        op.MapBackward(Backend, xBuffer, yBuffer, Filled(length, 1.0), dx, length, accumulate: false);
        NumericAssert.AllClose(Download(dx), numeric, GradcheckRelative, GradcheckAbsolute, $"{op.Name}' against central differences");
    }
}
