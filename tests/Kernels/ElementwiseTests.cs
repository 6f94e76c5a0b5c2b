using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Map, MapBackward, Zip, Axpby and BiasActivation on every backend and element type, against float64
/// references, over every length up to <see cref="LongestSweptLength"/> (to hit every vector tail) and one
/// length large enough for the host's threaded path.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class ElementwiseTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Lengths 1 … 70 cover every tail of 16- and 8-lane vectors, several times over.</summary>
    private const int LongestSweptLength = 70;

    /// <summary>Elements past the end of each output that must stay untouched.</summary>
    private const int GuardElements = 17;

    /// <summary>What the guard elements hold.</summary>
    private const double Sentinel = 12345.0;

    private static readonly UnaryCase[] UnaryCases = OperatorCases.Unary;
    private static readonly BinaryCase[] BinaryCases = OperatorCases.Binary;

    private int[] Lengths => [.. Enumerable.Range(1, LongestSweptLength), IsEmulated ? 1000 : 100_003];

    [TestCaseSource(nameof(UnaryCases))]
    public void Map_MatchesReference_ForEveryLength(UnaryCase op)
    {
        foreach (int length in Lengths)
        {
            double[] x = Inputs(length, length, op.Low, op.High);
            var xBuffer = Upload(x);
            var yBuffer = Filled(length + GuardElements, Sentinel);
            op.Map(Backend, xBuffer, yBuffer, length);
            double[] y = Download(yBuffer);
            NumericAssert.AllClose(y.AsSpan(0, length), x.Select(op.Function).ToArray(),
                Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, $"{op.Name}, length {length}");
            AssertGuardUntouched(y, length, $"{op.Name}, length {length}");
        }
    }

    [TestCaseSource(nameof(UnaryCases))]
    public void Map_InPlace_MatchesReference(UnaryCase op)
    {
        const int length = 45;
        double[] x = Inputs(7, length, op.Low, op.High);
        var buffer = Upload(x);
        op.Map(Backend, buffer, buffer, length);
        NumericAssert.AllClose(Download(buffer), x.Select(op.Function).ToArray(),
            Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, $"{op.Name} in place");
    }

    [Test]
    public void MapBackward_MatchesReferenceDerivative_ForEveryLength(
        [ValueSource(nameof(UnaryCases))] UnaryCase op, [Values] bool accumulate)
    {
        foreach (int length in Lengths)
        {
            double[] x = Inputs(length, length, op.Low, op.High);
            double[] dy = Inputs(length + 1000, length, -2, 2);
            double[] dxBefore = Inputs(length + 2000, length, -1, 1);
            var xBuffer = Upload(x);
            var yBuffer = Allocate(length);
            op.Map(Backend, xBuffer, yBuffer, length);
            var dxBuffer = Filled(length + GuardElements, Sentinel);
            Backend.Upload<T>(TestData.To<T>(dxBefore), dxBuffer);
            op.MapBackward(Backend, xBuffer, yBuffer, Upload(dy), dxBuffer, length, accumulate);
            double[] dx = Download(dxBuffer);
            var expected = new double[length];
            for (int i = 0; i < length; i++) expected[i] = dy[i] * op.Derivative(x[i]) + (accumulate ? dxBefore[i] : 0);
            NumericAssert.AllClose(dx.AsSpan(0, length), expected, Tolerance.DerivativeRelative, Tolerance.DerivativeAbsolute,
                $"{op.Name}' (accumulate {accumulate}), length {length}");
            AssertGuardUntouched(dx, length, $"{op.Name}', length {length}");
        }
    }

    [Test]
    public void Relu_DerivativeAtZero_IsZero_AsPyTorch()
    {
        var x = Upload([0.0, -0.0, 1e-30, -1e-30]);
        var y = Allocate(4);
        Backend.Map<T, ReluOperator>(x, y, 4);
        var dx = Allocate(4);
        Backend.MapBackward<T, ReluOperator>(x, y, Filled(4, 1.0), dx, 4, accumulate: false);
        Assert.That(Download(y), Is.EqualTo(new[] { 0.0, 0.0, double.CreateTruncating(T.CreateTruncating(1e-30)), 0.0 }));
        Assert.That(Download(dx), Is.EqualTo(new[] { 0.0, 0.0, 1.0, 0.0 }));
    }

    [Test]
    public void Zip_MatchesReference(
        [ValueSource(nameof(BinaryCases))] BinaryCase op, [Values] Broadcast broadcast, [Values] bool accumulate)
    {
        foreach (var (rows, columns) in ZipShapes())
        {
            int count = rows * columns;
            int bLength = ArgumentChecks.BroadcastLength(broadcast, rows, columns);
            double[] a = Inputs(count, count, -3, 3);
            double[] b = Inputs(count + 1, bLength, -3, 3);
            if (op.NonZeroB) b = b.Select(v => Math.Abs(v) < 0.25 ? v + 0.5 : v).ToArray();
            double[] before = Inputs(count + 2, count, -1, 1);
            var cBuffer = Filled(count + GuardElements, Sentinel);
            Backend.Upload<T>(TestData.To<T>(before), cBuffer);
            op.Zip(Backend, Upload(a), Upload(b), cBuffer, rows, columns, broadcast, accumulate);
            double[] c = Download(cBuffer);
            var expected = new double[count];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                {
                    double bValue = broadcast switch
                    {
                        Broadcast.None => b[i * columns + j],
                        Broadcast.Row => b[j],
                        Broadcast.Column => b[i],
                        _ => b[0],
                    };
                    expected[i * columns + j] = op.Function(a[i * columns + j], bValue) + (accumulate ? before[i * columns + j] : 0);
                }
            string what = $"{op.Name} {broadcast} (accumulate {accumulate}) over {rows} × {columns}";
            NumericAssert.AllClose(c.AsSpan(0, count), expected, Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, what);
            AssertGuardUntouched(c, count, what);
        }
    }

    [Test]
    public void Zip_OutputMayBeFirstOperand([Values] Broadcast broadcast)
    {
        const int rows = 5, columns = 19;
        double[] a = Inputs(1, rows * columns, -3, 3);
        double[] b = Inputs(2, ArgumentChecks.BroadcastLength(broadcast, rows, columns), -3, 3);
        var aBuffer = Upload(a);
        Backend.Zip<T, MultiplyOperator>(aBuffer, Upload(b), aBuffer, rows, columns, broadcast);
        double[] c = Download(aBuffer);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                double bValue = broadcast switch { Broadcast.None => b[i * columns + j], Broadcast.Row => b[j], Broadcast.Column => b[i], _ => b[0] };
                NumericAssert.Close(c[i * columns + j], a[i * columns + j] * bValue, Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute, $"c[{i}, {j}]");
            }
    }

    [TestCase(2.0, 0.0)]
    [TestCase(0.5, -1.5)]
    [TestCase(0.0, 1.0)]
    [TestCase(-1.0, 1.0)]
    public void Axpby_MatchesReference_ForEveryLength(double alpha, double beta)
    {
        foreach (int length in Lengths)
        {
            double[] x = Inputs(length, length, -4, 4);
            // With beta = 0 the old y must not be read: NaNs there must not reach the result.
            double[] y = beta == 0 ? Enumerable.Repeat(double.NaN, length).ToArray() : Inputs(length + 1, length, -4, 4);
            var yBuffer = Filled(length + GuardElements, Sentinel);
            Backend.Upload<T>(TestData.To<T>(y), yBuffer);
            Backend.Axpby(T.CreateTruncating(alpha), Upload(x), T.CreateTruncating(beta), yBuffer, length);
            double[] result = Download(yBuffer);
            double[] expected = x.Select((v, i) => beta == 0 ? alpha * v : alpha * v + beta * y[i]).ToArray();
            NumericAssert.AllClose(result.AsSpan(0, length), expected, Tolerance.ElementwiseRelative, Tolerance.ElementwiseAbsolute,
                $"{alpha}·x + {beta}·y, length {length}");
            AssertGuardUntouched(result, length, $"Axpby, length {length}");
        }
    }

    [TestCaseSource(nameof(UnaryCases))]
    public void BiasActivation_MatchesReference(UnaryCase op)
    {
        foreach (var (rows, columns) in ZipShapes())
        {
            int count = rows * columns;
            double middle = (op.Low + op.High) / 2, halfWidth = (op.High - op.Low) / 4;
            // x + bias stays inside the operator's range: each covers half of it around the middle.
            double[] x = Inputs(count, count, middle - halfWidth, middle + halfWidth);
            double[] bias = Inputs(count + 1, columns, -halfWidth * 0.99, halfWidth * 0.99);
            var yBuffer = Filled(count + GuardElements, Sentinel);
            op.BiasActivation(Backend, Upload(x), Upload(bias), yBuffer, rows, columns);
            double[] y = Download(yBuffer);
            var expected = new double[count];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    expected[i * columns + j] = op.Function(double.CreateTruncating(T.CreateTruncating(x[i * columns + j] + bias[j])));
            string what = $"{op.Name}(x + bias) over {rows} × {columns}";
            // x + bias is rounded to T before f, so f's conditioning adds to the elementwise tolerance.
            NumericAssert.AllClose(y.AsSpan(0, count), expected, Tolerance.DerivativeRelative, Tolerance.DerivativeAbsolute, what);
            AssertGuardUntouched(y, count, what);
        }
    }

    [Test]
    public void BiasActivation_OutputMayBeInput()
    {
        const int rows = 6, columns = 21;
        double[] x = Inputs(1, rows * columns, -2, 2), bias = Inputs(2, columns, -1, 1);
        var buffer = Upload(x);
        Backend.BiasActivation<T, ReluOperator>(buffer, Upload(bias), buffer, rows, columns);
        double[] y = Download(buffer);
        for (int i = 0; i < rows * columns; i++)
            NumericAssert.Close(y[i], Math.Max(0, double.CreateTruncating(T.CreateTruncating(x[i] + bias[i % columns]))), 0, 0, $"y[{i}]");
    }

    private IEnumerable<(int Rows, int Columns)> ZipShapes()
    {
        yield return (1, 1);
        yield return (1, 17);
        yield return (3, 7);
        yield return (7, 31);
        yield return (33, 20);
        yield return (2, 127);
        yield return (257, 3);
        yield return (LargeRows, 301);
    }

    private static void AssertGuardUntouched(double[] values, int length, string what)
    {
        for (int i = length; i < values.Length; i++)
            if (values[i] != Sentinel) Assert.Fail($"{what}: element {i} past the end was overwritten with {values[i]}.");
    }
}
