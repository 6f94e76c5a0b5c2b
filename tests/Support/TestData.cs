using System.Numerics;

namespace ScratchVae.Tests.Support;

/// <summary>Deterministic test inputs.</summary>
public static class TestData
{
    /// <summary><paramref name="count"/> values uniform in [<paramref name="low"/>, <paramref name="high"/>), from a fixed seed.</summary>
    public static double[] Uniform(int seed, int count, double low, double high)
    {
        var random = new System.Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = low + (high - low) * random.NextDouble();
        return values;
    }

    /// <summary>The values rounded to <typeparamref name="T"/> and back, so that a float64 reference sees exactly what the kernel sees.</summary>
    public static double[] RoundTo<T>(double[] values) where T : IFloatingPointIeee754<T>
    {
        var rounded = new double[values.Length];
        for (int i = 0; i < values.Length; i++) rounded[i] = double.CreateTruncating(T.CreateTruncating(values[i]));
        return rounded;
    }

    /// <summary>The values converted to <typeparamref name="T"/>.</summary>
    public static T[] To<T>(ReadOnlySpan<double> values) where T : IFloatingPointIeee754<T>
    {
        var converted = new T[values.Length];
        for (int i = 0; i < values.Length; i++) converted[i] = T.CreateTruncating(values[i]);
        return converted;
    }

    /// <summary>The values converted to double.</summary>
    public static double[] ToDouble<T>(ReadOnlySpan<T> values) where T : IFloatingPointIeee754<T>
    {
        var converted = new double[values.Length];
        for (int i = 0; i < values.Length; i++) converted[i] = double.CreateTruncating(values[i]);
        return converted;
    }
}
