using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Ilgpu;
using ScratchVae.Kernels.Operators;
using ScratchVae.Kernels.Random;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Each primitive of <see cref="IlgpuBackend"/> once on ILGPU's CPU accelerator, in float and double, against a
/// float64 scalar loop (the cross-backend suite covers the shapes and operators exhaustively).
/// </summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public sealed class IlgpuPrimitiveTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private IlgpuBackend _backend = null!;
    private readonly double _tolerance = typeof(T) == typeof(float) ? 2e-6 : 1e-14;

    [OneTimeSetUp]
    public void Open() => _backend = IlgpuDevices.Create("ilgpu-cpu");

    [OneTimeTearDown]
    public void Close() => _backend.Dispose();

    [Test]
    public void MapAppliesEveryUnaryOperator()
    {
        // Positive inputs so that log and sqrt are defined; lengths past the launch thread count exercise the grid stride.
        double[] x = Enumerable.Range(0, 37).Select(i => 0.05 + 0.37 * i).ToArray();
        foreach (var (name, apply, reference) in new (string, Action<DeviceBuffer<T>, DeviceBuffer<T>, int>, Func<double, double>)[]
        {
            ("sigmoid", _backend.Map<T, SigmoidOperator>, v => 1 / (1 + Math.Exp(-v))),
            ("relu", _backend.Map<T, ReluOperator>, v => Math.Max(v, 0)),
            ("log", _backend.Map<T, LogOperator>, Math.Log),
            ("sqrt", _backend.Map<T, SqrtOperator>, Math.Sqrt),
            ("tanh", _backend.Map<T, TanhOperator>, Math.Tanh),
            ("softplus", _backend.Map<T, SoftplusOperator>, v => Math.Log(1 + Math.Exp(v))),
        })
        {
            using var input = Upload(x);
            using var output = _backend.Allocate<T>(x.Length);
            apply(input, output, x.Length);
            AssertClose(Download(output), x.Select(reference).ToArray(), name);
        }
    }

    [Test]
    public void MapInPlaceAndBackwardAccumulates()
    {
        double[] x = [-2, -0.5, 0.25, 3];
        using var values = Upload(x);
        _backend.Map<T, EluOperator>(values, values, x.Length);
        double[] y = x.Select(v => v > 0 ? v : Math.Exp(v) - 1).ToArray();
        AssertClose(Download(values), y, "elu in place");

        using var input = Upload(x);
        using var dy = Upload([1, 2, 3, 4]);
        using var dx = Upload([10, 20, 30, 40]);
        _backend.MapBackward<T, EluOperator>(input, values, dy, dx, x.Length, accumulate: true);
        double[] derivative = x.Select((v, i) => v > 0 ? 1 : y[i] + 1).ToArray();
        AssertClose(Download(dx), derivative.Select((d, i) => (i + 1) * 10 + (i + 1) * d).ToArray(), "elu backward, accumulated");
        _backend.MapBackward<T, EluOperator>(input, values, dy, dx, x.Length, accumulate: false);
        AssertClose(Download(dx), derivative.Select((d, i) => (i + 1) * d).ToArray(), "elu backward, overwritten");
    }

    [TestCase(Broadcast.None)]
    [TestCase(Broadcast.Row)]
    [TestCase(Broadcast.Column)]
    [TestCase(Broadcast.Scalar)]
    public void ZipBroadcastsAndAccumulates(Broadcast broadcast)
    {
        const int rows = 3, columns = 5;
        double[] a = Enumerable.Range(0, rows * columns).Select(i => i * 0.5 - 3).ToArray();
        double[] b = Enumerable.Range(0, ArgumentChecks.BroadcastLength(broadcast, rows, columns)).Select(i => i + 1.5).ToArray();
        double B(int i, int j) => broadcast switch { Broadcast.None => b[i * columns + j], Broadcast.Row => b[j], Broadcast.Column => b[i], _ => b[0] };
        using var aBuffer = Upload(a);
        using var bBuffer = Upload(b);
        using var c = Upload(Enumerable.Repeat(100.0, rows * columns).ToArray());
        _backend.Zip<T, MultiplyOperator>(aBuffer, bBuffer, c, rows, columns, broadcast, accumulate: true);
        AssertClose(Download(c), Enumerable.Range(0, rows * columns).Select(index => 100 + a[index] * B(index / columns, index % columns)).ToArray(), "multiply, accumulated");
        _backend.Zip<T, SubtractOperator>(aBuffer, bBuffer, aBuffer, rows, columns, broadcast);
        AssertClose(Download(aBuffer), Enumerable.Range(0, rows * columns).Select(index => a[index] - B(index / columns, index % columns)).ToArray(), "subtract in place");
    }

    [Test]
    public void AxpbyWithBetaZeroIgnoresNaNs()
    {
        using var x = Upload([1, 2, 3]);
        using var y = Upload([double.NaN, double.NaN, double.NaN]);
        _backend.Axpby(T.CreateTruncating(2.0), x, T.Zero, y, 3);
        AssertClose(Download(y), [2, 4, 6], "beta = 0");
        _backend.Axpby(T.CreateTruncating(-1.0), x, T.CreateTruncating(0.5), y, 3);
        AssertClose(Download(y), [0, 0, 0], "beta = 0.5");
    }

    [Test]
    public void SumsOverRowsColumnsAndEverything()
    {
        const int rows = 7, columns = 3;
        double[] x = Enumerable.Range(0, rows * columns).Select(i => Math.Sin(i) * 3).ToArray();
        using var input = Upload(x);
        using var perColumn = Upload([1, 1, 1]);
        _backend.SumOverRows(input, rows, columns, perColumn, accumulate: true);
        AssertClose(Download(perColumn), Enumerable.Range(0, columns).Select(j => 1 + Enumerable.Range(0, rows).Sum(i => x[i * columns + j])).ToArray(), "sum over rows");
        using var perRow = _backend.Allocate<T>(rows);
        _backend.SumOverColumns(input, rows, columns, perRow);
        AssertClose(Download(perRow), Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, columns).Sum(j => x[i * columns + j])).ToArray(), "sum over columns");
        _backend.MaxOverColumns(input, rows, columns, perRow);
        AssertClose(Download(perRow), Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, columns).Max(j => x[i * columns + j])).ToArray(), "max over columns");
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(255)]
    [TestCase(100_003)]
    [TestCase(2_000_001)]
    public void SumAllIsAccurateAndReproducible(int length)
    {
        // 2,000,001 elements reach the cap of 4096 partial sums, so each partial covers more than 256 elements.
        var values = new T[length];
        double expected = 0;
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateTruncating(((i * 7919) % 1000) / 1000.0 - 0.4);
            expected += double.CreateTruncating(values[i]);
        }
        using var x = _backend.Allocate<T>(length);
        _backend.Upload<T>(values, x);
        using var y = Upload([double.NaN]);
        _backend.SumAll(x, length, y);
        T first = Download(y)[0];
        // Pairwise-like summation: error grows with √(elements per partial) rather than with the length.
        double tolerance = (typeof(T) == typeof(float) ? 1e-6 : 1e-15) * (Math.Sqrt(length) + 1) * 10;
        Assert.That(double.CreateTruncating(first), Is.EqualTo(expected).Within(tolerance + Math.Abs(expected) * _tolerance));
        _backend.SumAll(x, length, y, accumulate: true);
        Assert.That(Download(y)[0], Is.EqualTo(first + first), "same partial sums, same bits");
    }

    [Test]
    public void FillCopyAndCopy2D()
    {
        using var x = Upload(Enumerable.Range(0, 12).Select(i => (double)i).ToArray());
        _backend.Fill(x, 2, 3, T.CreateTruncating(-1.0));
        AssertClose(Download(x), [0, 1, -1, -1, -1, 5, 6, 7, 8, 9, 10, 11], "fill");
        using var y = Upload(new double[12]);
        _backend.Copy(x, 1, y, 6, 5);
        AssertClose(Download(y), [0, 0, 0, 0, 0, 0, 1, -1, -1, -1, 5, 0], "copy");
        // Columns 1–2 of a 3 × 4 matrix into columns 0–1 of a 3 × 3 one, then added again.
        using var block = Upload(Enumerable.Repeat(0.5, 9).ToArray());
        _backend.Copy2D(3, 2, x, 1, 4, block, 0, 3, accumulate: false);
        _backend.Copy2D(3, 2, x, 1, 4, block, 0, 3, accumulate: true);
        AssertClose(Download(block), [2, -2, 0.5, 10, 12, 0.5, 18, 20, 0.5], "copy2D");
    }

    [Test]
    public void BiasActivation()
    {
        using var x = Upload([-1, 0.5, 2, -3]);
        using var bias = Upload([0.5, -1]);
        _backend.BiasActivation<T, ReluOperator>(x, bias, x, 2, 2);
        AssertClose(Download(x), [0, 0, 2.5, 0], "relu(x + bias)");
    }

    [Test]
    public void BceWithLogitsIsStableAtExtremeLogits()
    {
        double[] logits = [-100, -3, 0, 0.7, 5, 100];
        double[] targets = [0, 0.2, 1, 0.5, 1, 0.3];
        static double Loss(double l, double t) => Math.Max(l, 0) - l * t + Math.Log(1 + Math.Exp(-Math.Abs(l)));
        using var l = Upload(logits);
        using var t = Upload(targets);
        using var loss = Upload([double.NaN, double.NaN]);
        using var gradient = Upload([1, 1, 1, 1, 1, 1]);
        _backend.BceWithLogits(l, t, 2, 3, loss, gradient, T.CreateTruncating(0.5), accumulateGradient: true);
        AssertClose(Download(loss), [Enumerable.Range(0, 3).Sum(j => Loss(logits[j], targets[j])), Enumerable.Range(3, 3).Sum(j => Loss(logits[j], targets[j]))], "loss per row");
        AssertClose(Download(gradient), logits.Select((v, i) => 1 + 0.5 * (1 / (1 + Math.Exp(-v)) - targets[i])).ToArray(), "gradient, accumulated");
        _backend.BceWithLogits(l, t, 2, 3, null, gradient, T.One);
        AssertClose(Download(gradient), logits.Select((v, i) => 1 / (1 + Math.Exp(-v)) - targets[i]).ToArray(), "gradient only");
    }

    [Test]
    public void AdamFollowsTorchOverThreeSteps()
    {
        double[] parameters = [0.5, -1, 2, 0];
        double[] m = new double[4], v = new double[4];
        using var p = Upload(parameters);
        using var first = Upload(m);
        using var second = Upload(v);
        for (int step = 1; step <= 3; step++)
        {
            var settings = new AdamSettings(0.01, 0.9, 0.999, 1e-8, 0.1, step);
            double[] gradients = parameters.Select((value, i) => Math.Cos(value * step + i)).ToArray();
            using var g = Upload(gradients);
            _backend.AdamUpdate(p, g, first, second, 4, settings);
            for (int i = 0; i < 4; i++)
            {
                // torch.optim.Adam: g ← g + λθ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε).
                double gradient = gradients[i] + settings.WeightDecay * parameters[i];
                m[i] = settings.Beta1 * m[i] + (1 - settings.Beta1) * gradient;
                v[i] = settings.Beta2 * v[i] + (1 - settings.Beta2) * gradient * gradient;
                double denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(settings.Beta2, step)) + settings.Epsilon;
                parameters[i] -= settings.LearningRate / (1 - Math.Pow(settings.Beta1, step)) * m[i] / denominator;
            }
        }
        AssertClose(Download(p), parameters, "parameters", relative: 20 * _tolerance);
        AssertClose(Download(first), m, "first moment", relative: 20 * _tolerance);
        AssertClose(Download(second), v, "second moment", relative: 20 * _tolerance);
    }

    [Test]
    public void UniformFillMatchesTheHostStreamBitForBit()
    {
        const int length = 1001, offset = 3;
        using var x = Upload(new double[length + offset]);
        _backend.UniformFill(x, offset, length, seed: 0x1234_5678_9ABCUL, counterOffset: 77);
        T[] actual = Download(x);
        Assert.That(actual[..offset], Is.All.EqualTo(T.Zero));
        for (int i = 0; i < length; i++)
            Assert.That(actual[offset + i], Is.EqualTo(RandomStreams.Uniform<T>(0x1234_5678_9ABCUL, 77, i)), $"element {i}");
    }

    [Test]
    public void NormalFillMatchesTheHostStream()
    {
        const int length = 999;
        using var x = _backend.Allocate<T>(length);
        T mean = T.CreateTruncating(1.5), deviation = T.CreateTruncating(0.25);
        _backend.NormalFill(x, 0, length, seed: 42, counterOffset: 5, mean, deviation);
        T[] actual = Download(x);
        for (int i = 0; i < length; i++)
        {
            double expected = double.CreateTruncating(RandomStreams.Normal(42UL, 5UL, i, mean, deviation));
            Assert.That(double.CreateTruncating(actual[i]), Is.EqualTo(expected).Within(1e-6 * (1 + Math.Abs(expected))), $"element {i}");
        }
    }

    [Test]
    public void RejectsBuffersOfAnotherBackendAndDisposedOnes()
    {
        using var other = IlgpuDevices.Create("ilgpu-cpu");
        using var foreign = other.Allocate<T>(4);
        using var own = _backend.Allocate<T>(4);
        var error = Assert.Throws<ArgumentException>(() => _backend.Map<T, ReluOperator>(foreign, own, 4));
        Assert.That(error!.Message, Does.Contain("Map").And.Contain("'x'"));
        var disposed = _backend.Allocate<T>(4);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _backend.Fill(disposed, 0, 4, T.One));
        Assert.Throws<ArgumentException>(() => _backend.Copy2D(2, 3, own, 0, 3, own, 0, 3));
    }

    private DeviceBuffer<T> Upload(double[] values)
    {
        var buffer = _backend.Allocate<T>(values.Length);
        _backend.Upload<T>(values.Select(T.CreateTruncating).ToArray(), buffer);
        return buffer;
    }

    private T[] Download(DeviceBuffer<T> buffer)
    {
        var values = new T[buffer.Length];
        _backend.Download(buffer, 0, values);
        return values;
    }

    private void AssertClose(T[] actual, double[] expected, string what, double? relative = null)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double tolerance = relative ?? _tolerance;
        for (int i = 0; i < expected.Length; i++)
            Assert.That(double.CreateTruncating(actual[i]), Is.EqualTo(expected[i]).Within(tolerance * (1 + Math.Abs(expected[i]))), $"{what}: element {i}");
    }
}
