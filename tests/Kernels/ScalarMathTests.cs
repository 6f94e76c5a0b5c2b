using NUnit.Framework;
using ScratchVae.Kernels.Operators;
using ScratchVae.Kernels.Random;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// ScalarMath, the float32 functions that GPU kernels use instead of the hardware's approximations: each is within a
/// few ulps of the float64 result, and tanh agrees with VectorMath's (the host's vector path) to an ulp.
/// </summary>
[TestFixture]
public sealed class ScalarMathTests
{
    private const int Samples = 50_000;

    private static readonly Dictionary<string, (Func<float, float> Scalar, Func<double, double> Exact)> Functions = new()
    {
        ["exp"] = (ScalarMath.Exp, Math.Exp),
        ["log"] = (ScalarMath.Log, Math.Log),
        ["tanh"] = (ScalarMath.Tanh, Math.Tanh),
        ["sin"] = (ScalarMath.Sin, Math.Sin),
        ["cos"] = (ScalarMath.Cos, Math.Cos),
    };

    private static float Draw(System.Random random, double low, double high, bool logarithmic) =>
        (float)(logarithmic ? Math.Exp(Math.Log(low) + (Math.Log(high) - Math.Log(low)) * random.NextDouble())
            : low + (high - low) * random.NextDouble());

    // Largest errors measured (ulp of the exact result): exp 0.84, log 1.85, tanh 1.46, sin/cos 1.39 on [−8, 8].
    // On the wide range (sin/cos 2.1–2.3 ulp), they may also be off by 10⁻¹⁰ absolute, which counts near zeros.
    [TestCase("exp", -103.0, 88.7, false, 3.0)]
    [TestCase("log", 1e-44, 3e38, true, 3.0)]
    [TestCase("log", 0.5, 2.0, false, 3.0)]
    [TestCase("tanh", -10.0, 10.0, false, 3.0)]
    [TestCase("tanh", -0.6, 0.6, false, 3.0)]
    [TestCase("sin", -8.0, 8.0, false, 2.0)]
    [TestCase("cos", -8.0, 8.0, false, 2.0)]
    [TestCase("sin", -102943.0, 102943.0, false, 3.0, 1e-10)]
    [TestCase("cos", -102943.0, 102943.0, false, 3.0, 1e-10)]
    public void IsWithinUlpsOfFloat64(string function, double low, double high, bool logarithmic, double maximumUlp, double absolute = 0)
    {
        var (scalar, exact) = Functions[function];
        var random = new System.Random(7);
        double worst = 0, worstAt = 0;
        for (int i = 0; i < Samples; i++)
        {
            float x = Draw(random, low, high, logarithmic);
            double expected = exact(x);
            float rounded = MathF.Abs((float)expected);
            double ulp = Math.Max(MathF.BitIncrement(rounded) - rounded, float.Epsilon);
            double error = Math.Max(0, Math.Abs(scalar(x) - expected) - absolute) / ulp;
            if (error > worst) (worst, worstAt) = (error, x);
        }
        TestContext.Out.WriteLine($"{function} on [{low}, {high}]: worst {worst:F2} ulp at x = {worstAt:R}");
        Assert.That(worst, Is.LessThanOrEqualTo(maximumUlp), $"{function}({worstAt:R}) is {worst:F2} ulp from the float64 result");
    }

    [Test]
    public void SpecialValues()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ScalarMath.Exp(float.NaN), Is.NaN);
            Assert.That(ScalarMath.Exp(float.NegativeInfinity), Is.EqualTo(0f));
            Assert.That(ScalarMath.Exp(float.PositiveInfinity), Is.EqualTo(float.PositiveInfinity));
            Assert.That(ScalarMath.Exp(0f), Is.EqualTo(1f));
            Assert.That(ScalarMath.Log(0f), Is.EqualTo(float.NegativeInfinity));
            Assert.That(ScalarMath.Log(-0f), Is.EqualTo(float.NegativeInfinity));
            Assert.That(ScalarMath.Log(-1f), Is.NaN);
            Assert.That(ScalarMath.Log(float.NaN), Is.NaN);
            Assert.That(ScalarMath.Log(float.PositiveInfinity), Is.EqualTo(float.PositiveInfinity));
            Assert.That(ScalarMath.Log(1f), Is.EqualTo(0f));
            Assert.That(ScalarMath.Log(float.Epsilon), Is.EqualTo((float)Math.Log(float.Epsilon)).Within(1e-5));
            Assert.That(ScalarMath.Tanh(float.NaN), Is.NaN);
            Assert.That(ScalarMath.Tanh(float.PositiveInfinity), Is.EqualTo(1f));
            Assert.That(ScalarMath.Tanh(float.NegativeInfinity), Is.EqualTo(-1f));
            Assert.That(BitConverter.SingleToInt32Bits(ScalarMath.Tanh(-0f)), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)));
            Assert.That(ScalarMath.Sin(float.NaN), Is.NaN);
            Assert.That(ScalarMath.Sin(float.PositiveInfinity), Is.NaN);
            Assert.That(ScalarMath.Cos(float.NegativeInfinity), Is.NaN);
            Assert.That(ScalarMath.Sin(0f), Is.EqualTo(0f));
            Assert.That(ScalarMath.Cos(0f), Is.EqualTo(1f));
            // Beyond the exact reduction, still a number in [−1, 1] (no library fallback, no NaN).
            Assert.That(ScalarMath.Sin(1e6f), Is.InRange(-1f, 1f));
            Assert.That(ScalarMath.Cos(3e38f), Is.InRange(-1f, 1f));
        });
    }

    [Test]
    public void PortableNormalsAgreeWithTheHostsToAFewUlps()
    {
        // What a GPU kernel computes (PortableFunctions) against the host's normals (the C library's ln, sin, cos).
        double worst = 0;
        for (long i = 0; i < 200_000; i++)
        {
            float host = RandomStreams.Normal(11UL, 3UL, i, 0f, 1f);
            float portable = RandomStreams.Normal<float, PortableFunctions>(11UL, 3UL, i, 0f, 1f);
            float magnitude = MathF.Abs(host);
            double ulp = Math.Max(MathF.BitIncrement(magnitude) - magnitude, float.Epsilon);
            worst = Math.Max(worst, Math.Abs(portable - host) / ulp);
        }
        TestContext.Out.WriteLine($"worst difference: {worst:F1} ulp");
        Assert.That(worst, Is.LessThanOrEqualTo(4.0));
        Assert.That(RandomStreams.Normal<double, PortableFunctions>(11UL, 3UL, 5, 0.0, 1.0),
            Is.EqualTo(RandomStreams.Normal(11UL, 3UL, 5, 0.0, 1.0)), "float64 uses the runtime's functions");
    }
}
