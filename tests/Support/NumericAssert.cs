using System.Numerics;
using System.Text;
using NUnit.Framework;

namespace ScratchVae.Tests.Support;

/// <summary>
/// Element-by-element comparison with a relative and an absolute tolerance:
/// |actual − expected| ≤ absolute + relative · |expected| (the rule of numpy.allclose and torch.allclose).
/// NaN matches only NaN, and an infinity only the same infinity.
/// </summary>
public static class NumericAssert
{
    private const int MismatchesShown = 5;

    /// <summary>True when <paramref name="actual"/> is within tolerance of <paramref name="expected"/>.</summary>
    public static bool IsClose(double actual, double expected, double relative, double absolute)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return actual == expected;
        return Math.Abs(actual - expected) <= absolute + relative * Math.Abs(expected);
    }

    /// <summary>Asserts that one value is close, naming <paramref name="what"/> on failure.</summary>
    public static void Close(double actual, double expected, double relative, double absolute, string what)
    {
        if (!IsClose(actual, expected, relative, absolute))
            Assert.Fail($"{what}: got {actual:R}, expected {expected:R} (difference {actual - expected:E3}, allowed {absolute:E1} + {relative:E1}·|expected|).");
    }

    /// <summary>Asserts that every element is close; the message lists the first mismatches with their indices.</summary>
    public static void AllClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double relative, double absolute, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: lengths differ.");
        int failures = 0;
        var message = new StringBuilder();
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (IsClose(actual[i], expected[i], relative, absolute)) continue;
            failures++;
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            if (failures <= MismatchesShown)
                message.Append($"\n  [{i}] got {actual[i]:R}, expected {expected[i]:R}");
        }
        if (failures > 0)
            Assert.Fail($"{what}: {failures} of {actual.Length} elements outside {absolute:E1} + {relative:E1}·|expected| (largest difference {worst:E3}):{message}");
    }

    /// <summary>As <see cref="AllClose(ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, string)"/> for per-element tolerances (e.g. error bounds of sums).</summary>
    public static void AllWithin(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, ReadOnlySpan<double> allowed, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: lengths differ.");
        int failures = 0;
        var message = new StringBuilder();
        for (int i = 0; i < actual.Length; i++)
        {
            if (IsClose(actual[i], expected[i], 0, allowed[i])) continue;
            failures++;
            if (failures <= MismatchesShown)
                message.Append($"\n  [{i}] got {actual[i]:R}, expected {expected[i]:R}, allowed ±{allowed[i]:E2}");
        }
        if (failures > 0) Assert.Fail($"{what}: {failures} of {actual.Length} elements outside their error bounds:{message}");
    }

    /// <summary>Asserts bit-for-bit equality (NaNs with equal payloads included).</summary>
    public static void BitIdentical<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: lengths differ.");
        int failures = 0;
        var message = new StringBuilder();
        for (int i = 0; i < actual.Length; i++)
        {
            if (Bits(actual[i]) == Bits(expected[i])) continue;
            failures++;
            if (failures <= MismatchesShown) message.Append($"\n  [{i}] got {actual[i]:R}, expected {expected[i]:R}");
        }
        if (failures > 0) Assert.Fail($"{what}: {failures} of {actual.Length} elements differ in their bits:{message}");
    }

    private static ulong Bits<T>(T value) where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? BitConverter.SingleToUInt32Bits((float)(object)value) : BitConverter.DoubleToUInt64Bits((double)(object)value);
}
