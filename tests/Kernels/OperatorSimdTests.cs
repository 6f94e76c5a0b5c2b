using System.Numerics;
using System.Runtime.Intrinsics;
using NUnit.Framework;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Each operator's Vector512 version against its scalar formula and the float64 reference, lane by lane with
/// different values in every lane, including the IEEE special values (where the vector version must give what
/// the scalar formula gives: NaN for NaN, the same infinity, and the same choice at comparisons).
/// These run on the machine's own SIMD (AVX-512, or Vector512 as two AVX2 halves) whatever backend is tested.
/// </summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public sealed class OperatorSimdTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly UnaryCase[] UnaryCases = OperatorCases.Unary;
    private static readonly BinaryCase[] BinaryCases = OperatorCases.Binary;

    private static readonly double[] SpecialValues =
        [0.0, -0.0, 1e-30, -1e-30, 1e-310, 0.5, -0.5, 1.0, -1.0, 20.0, -20.0, 90.0, -90.0, 800.0, -800.0,
         double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    private static Tolerances Tolerance => Tolerances.For<T>();

    [TestCaseSource(nameof(UnaryCases))]
    public void Unary_IsVectorized(UnaryCase op) => Assert.That(op.IsVectorized, Is.True);

    [TestCaseSource(nameof(BinaryCases))]
    public void Binary_IsVectorized(BinaryCase op) => Assert.That(op.IsVectorized, Is.True);

    [TestCaseSource(nameof(UnaryCases))]
    public void UnaryVector_MatchesScalarAndReference(UnaryCase op)
    {
        double[] x = TestData.RoundTo<T>(TestData.Uniform(17, 64 * Vector512<T>.Count, op.Low, op.High));
        double[] vector = ApplyByVectors(x, op.Apply);
        NumericAssert.AllClose(vector, x.Select(v => double.CreateTruncating(op.Apply(T.CreateTruncating(v)))).ToArray(),
            Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, $"{op.Name}: Vector512 against scalar");
        NumericAssert.AllClose(vector, x.Select(op.Function).ToArray(),
            Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, $"{op.Name}: Vector512 against float64 reference");
    }

    [TestCaseSource(nameof(UnaryCases))]
    public void UnaryVectorDerivative_MatchesScalarAndReference(UnaryCase op)
    {
        double[] x = TestData.RoundTo<T>(TestData.Uniform(18, 64 * Vector512<T>.Count, op.Low, op.High));
        double[] y = x.Select(v => double.CreateTruncating(op.Apply(T.CreateTruncating(v)))).ToArray();
        double[] vector = ApplyByVectors(x, y, op.ApplyDerivative);
        double[] scalar = x.Select((v, i) => double.CreateTruncating(op.ApplyDerivative(T.CreateTruncating(v), T.CreateTruncating(y[i])))).ToArray();
        NumericAssert.AllClose(vector, scalar, Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, $"{op.Name}': Vector512 against scalar");
        NumericAssert.AllClose(vector, x.Select(op.Derivative).ToArray(),
            Tolerance.DerivativeRelative, Tolerance.DerivativeAbsolute, $"{op.Name}': Vector512 against float64 reference");
    }

    [TestCaseSource(nameof(UnaryCases))]
    public void UnaryVector_SpecialValues_AsScalar(UnaryCase op)
    {
        double[] x = TestData.RoundTo<T>(SpecialValues);
        double[] vector = ApplyByVectors(x, op.Apply);
        double[] scalar = x.Select(v => double.CreateTruncating(op.Apply(T.CreateTruncating(v)))).ToArray();
        NumericAssert.AllClose(vector, scalar, Tolerance.ElementwiseRelative, 0, $"{op.Name} at special values {string.Join(", ", x)}");
    }

    [TestCaseSource(nameof(BinaryCases))]
    public void BinaryVector_MatchesScalar(BinaryCase op)
    {
        int n = 64 * Vector512<T>.Count;
        double[] a = TestData.RoundTo<T>(TestData.Uniform(19, n, -5, 5));
        double[] b = TestData.RoundTo<T>(TestData.Uniform(20, n, -5, 5));
        // Equal operands in some lanes exercise the tie of Maximum.
        for (int i = 0; i < n; i += 7) b[i] = a[i];
        double[] vector = new double[n];
        for (int start = 0; start < n; start += Vector512<T>.Count)
        {
            var result = op.Apply(Vector512.Create<T>(TestData.To<T>(a.AsSpan(start, Vector512<T>.Count))),
                                  Vector512.Create<T>(TestData.To<T>(b.AsSpan(start, Vector512<T>.Count))));
            for (int lane = 0; lane < Vector512<T>.Count; lane++) vector[start + lane] = double.CreateTruncating(result[lane]);
        }
        double[] scalar = a.Select((v, i) => double.CreateTruncating(op.Apply(T.CreateTruncating(v), T.CreateTruncating(b[i])))).ToArray();
        // Basic arithmetic and comparisons are exact in both.
        NumericAssert.AllClose(vector, scalar, 0, 0, $"{op.Name}: Vector512 against scalar");
        NumericAssert.AllClose(vector, a.Select((v, i) => op.Function(v, b[i])).ToArray(),
            Tolerance.ElementwiseRelative, 0, $"{op.Name}: Vector512 against float64 reference");
    }

    private static double[] ApplyByVectors(double[] x, Func<Vector512<T>, Vector512<T>> function)
        => ApplyByVectors(x, x, (v, _) => function(v));

    // Applies a lane function to consecutive vectors of x (and y), padding the last vector with x's first values.
    private static double[] ApplyByVectors(double[] x, double[] y, Func<Vector512<T>, Vector512<T>, Vector512<T>> function)
    {
        int width = Vector512<T>.Count;
        var result = new double[x.Length];
        var xLanes = new T[width];
        var yLanes = new T[width];
        for (int start = 0; start < x.Length; start += width)
        {
            for (int lane = 0; lane < width; lane++)
            {
                int index = start + lane < x.Length ? start + lane : lane;
                xLanes[lane] = T.CreateTruncating(x[index]);
                yLanes[lane] = T.CreateTruncating(y[index]);
            }
            var value = function(Vector512.Create<T>(xLanes), Vector512.Create<T>(yLanes));
            for (int lane = 0; lane < width && start + lane < x.Length; lane++) result[start + lane] = double.CreateTruncating(value[lane]);
        }
        return result;
    }
}
