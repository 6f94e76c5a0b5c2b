using System.Numerics;
using System.Runtime.Intrinsics;
using NUnit.Framework;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// VectorMath's exp, log and tanh against float64 (for float) and against Math's functions (for double),
/// measured in units in the last place of the result, over their whole ranges, plus IEEE special values.
/// </summary>
[TestFixture]
public sealed class VectorMathTests
{
    /// <summary>Largest error allowed, in ulp of the exact result (float32; measured: exp 0.9, log 1.9, tanh 1.6).</summary>
    private const double MaximumUlpSingle = 3.0;

    /// <summary>Largest difference allowed from Math's double functions, in ulp (measured: 2–3; Math itself is within ~1 ulp).</summary>
    private const double MaximumUlpDouble = 4.0;

    private const int Samples = 20_000;

    [TestCase("exp", -103.0, 88.7)]
    [TestCase("exp", -1.0, 1.0)]
    [TestCase("log", 1e-44, 3e38, true)]
    [TestCase("log", 0.5, 2.0)]
    [TestCase("tanh", -10.0, 10.0)]
    [TestCase("tanh", -0.6, 0.6)]
    public void Single_IsWithinUlpsOfExact(string function, double low, double high, bool logarithmic = false)
    {
        var (vectorFunction, exact) = Functions<float>(function);
        var random = new System.Random(1);
        double worst = 0, worstAt = 0;
        for (int i = 0; i < Samples; i++)
        {
            float x = (float)(logarithmic ? Math.Exp(Math.Log(low) + (Math.Log(high) - Math.Log(low)) * random.NextDouble()) : low + (high - low) * random.NextDouble());
            double expected = exact(x);
            float actual = vectorFunction(Vector512.Create(x))[0];
            double ulp = Math.Max(MathF.BitIncrement(MathF.Abs((float)expected)) - MathF.Abs((float)expected), float.Epsilon);
            double error = Math.Abs(actual - expected) / ulp;
            if (error > worst) (worst, worstAt) = (error, x);
        }
        Assert.That(worst, Is.LessThanOrEqualTo(MaximumUlpSingle), $"{function}: {worst:F2} ulp at x = {worstAt:R}");
    }

    [TestCase("exp", -745.0, 709.7)]
    [TestCase("exp", -1.0, 1.0)]
    [TestCase("log", 1e-320, 1e308, true)]
    [TestCase("log", 0.5, 2.0)]
    [TestCase("tanh", -20.0, 20.0)]
    [TestCase("tanh", -0.6, 0.6)]
    public void Double_IsWithinUlpsOfMath(string function, double low, double high, bool logarithmic = false)
    {
        var (vectorFunction, exact) = Functions<double>(function);
        var random = new System.Random(2);
        double worst = 0, worstAt = 0;
        for (int i = 0; i < Samples; i++)
        {
            double x = logarithmic ? Math.Exp(Math.Log(low) + (Math.Log(high) - Math.Log(low)) * random.NextDouble()) : low + (high - low) * random.NextDouble();
            double expected = exact(x);
            double actual = vectorFunction(Vector512.Create(x))[0];
            double ulp = Math.Max(Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected), double.Epsilon);
            double error = Math.Abs(actual - expected) / ulp;
            if (error > worst) (worst, worstAt) = (error, x);
        }
        Assert.That(worst, Is.LessThanOrEqualTo(MaximumUlpDouble), $"{function}: {worst:F2} ulp at x = {worstAt:R}");
    }

    [TestCase(0.0)]
    [TestCase(-0.0)]
    [TestCase(1e-45)]
    [TestCase(1e-40)]
    [TestCase(-1.0)]
    [TestCase(88.72)]
    [TestCase(88.73)]
    [TestCase(-87.5)]
    [TestCase(-103.9)]
    [TestCase(-200.0)]
    [TestCase(1000.0)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    [TestCase(double.NaN)]
    public void Single_SpecialValues_AsMathF(double value)
    {
        float x = (float)value;
        Assert.That(VectorMath.Exp(Vector512.Create(x))[0], Is.EqualTo(MathF.Exp(x)).Within(1).Ulps, "exp");
        Assert.That(VectorMath.Log(Vector512.Create(x))[0], Is.EqualTo(MathF.Log(x)).Within(2).Ulps, "log");
        Assert.That(VectorMath.Tanh(Vector512.Create(x))[0], Is.EqualTo(MathF.Tanh(x)).Within(2).Ulps, "tanh");
        Assert.That(float.IsNegative(VectorMath.Tanh(Vector512.Create(x))[0]), Is.EqualTo(float.IsNegative(MathF.Tanh(x))), "sign of tanh");
    }

    [TestCase(0.0)]
    [TestCase(-0.0)]
    [TestCase(5e-324)]
    [TestCase(1e-310)]
    [TestCase(-1.0)]
    [TestCase(709.78)]
    [TestCase(709.79)]
    [TestCase(-708.5)]
    [TestCase(-745.1)]
    [TestCase(-745.2)]
    [TestCase(1e5)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    [TestCase(double.NaN)]
    public void Double_SpecialValues_AsMath(double x)
    {
        Assert.That(VectorMath.Exp(Vector512.Create(x))[0], Is.EqualTo(Math.Exp(x)).Within(2).Ulps, "exp");
        Assert.That(VectorMath.Log(Vector512.Create(x))[0], Is.EqualTo(Math.Log(x)).Within(2).Ulps, "log");
        Assert.That(VectorMath.Tanh(Vector512.Create(x))[0], Is.EqualTo(Math.Tanh(x)).Within(2).Ulps, "tanh");
    }

    private static (Func<Vector512<T>, Vector512<T>> Vector, Func<double, double> Exact) Functions<T>(string name)
        where T : unmanaged, IFloatingPointIeee754<T> => name switch
        {
            "exp" => (VectorMath.Exp, Math.Exp),
            "log" => (VectorMath.Log, Math.Log),
            _ => (VectorMath.Tanh, Math.Tanh),
        };
}
