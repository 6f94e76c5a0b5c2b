using NUnit.Framework;
using ScratchVae.Tensors;

namespace ScratchVae.Tests.Autograd.Support;

/// <summary>The range test inputs are drawn from.</summary>
public enum InputKind
{
    /// <summary>Uniform in ±[0.1, 1.5]: away from 0, where relu and elu have kinks.</summary>
    Any,
    /// <summary>Uniform in [0.5, 2] (log, sqrt, denominators).</summary>
    Positive,
    /// <summary>Uniform in [0.05, 0.95] (Bernoulli targets).</summary>
    Probability,
}

/// <summary>A test input: a shape and a range.</summary>
public sealed record InputSpec(Shape Shape, InputKind Kind = InputKind.Any)
{
    /// <inheritdoc />
    public override string ToString() => $"{Shape}{(Kind == InputKind.Any ? "" : " " + Kind.ToString().ToLowerInvariant())}";
}

/// <summary>Deterministic float64 test inputs.</summary>
public static class TestInputs
{
    /// <summary>Values for <paramref name="spec"/> from a generator seeded with <paramref name="seed"/>.</summary>
    public static double[] Values(InputSpec spec, int seed)
    {
        var random = new Random(seed);
        var values = new double[spec.Shape.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double u = random.NextDouble();
            values[i] = spec.Kind switch
            {
                InputKind.Positive => 0.5 + 1.5 * u,
                InputKind.Probability => 0.05 + 0.9 * u,
                _ => (random.NextDouble() < 0.5 ? -1 : 1) * (0.1 + 1.4 * u),
            };
        }
        return values;
    }

    /// <summary>A tensor on <paramref name="device"/> holding <see cref="Values"/>.</summary>
    public static Tensor<double> Create(InputSpec spec, int seed, Device device) => Tensor<double>.FromArray(Values(spec, seed), spec.Shape, device);

    /// <summary>A stable seed from a case name and an input number (string.GetHashCode varies between runs).</summary>
    public static int Seed(string name, int index)
    {
        unchecked
        {
            int hash = 17;
            foreach (char c in name) hash = hash * 31 + c;
            return hash * 31 + index;
        }
    }
}
