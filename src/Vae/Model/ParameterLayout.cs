using System.Numerics;
using ScratchVae.Kernels.Random;

namespace ScratchVae.Vae.Model;

/// <summary>One weight or bias of a VAE: its PyTorch-style name, shape, and the layer it belongs to.</summary>
/// <param name="Name">e.g. "encoder.hidden.0.weight", "encoder.mu.bias", "decoder.out.weight".</param>
/// <param name="Shape">[out, in] for weights, [out] for biases.</param>
/// <param name="FanIn">The layer's inputs.</param>
/// <param name="FanOut">The layer's outputs.</param>
/// <param name="IsWeight">True for a weight, false for a bias.</param>
public sealed record ParameterSpec(string Name, int[] Shape, int FanIn, int FanOut, bool IsWeight)
{
    /// <summary>Number of elements.</summary>
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// The canonical list and order of a VAE's parameters. Checkpoints, optimizers and the functional network
/// (<see cref="VaeNetwork{T}"/>) all use this order:
/// encoder.hidden.0 … n, encoder.mu, encoder.logvar, decoder.hidden.0 … n, decoder.out — each weight then bias.
/// </summary>
public static class ParameterLayout
{
    /// <summary>The parameters of a VAE with <paramref name="options"/>.</summary>
    public static IReadOnlyList<ParameterSpec> For(VaeOptions options)
    {
        var specs = new List<ParameterSpec>();
        void Layer(string name, int inputs, int outputs)
        {
            specs.Add(new ParameterSpec(name + ".weight", [outputs, inputs], inputs, outputs, IsWeight: true));
            specs.Add(new ParameterSpec(name + ".bias", [outputs], inputs, outputs, IsWeight: false));
        }
        int width = options.InputSize;
        for (int i = 0; i < options.HiddenSizes.Length; i++)
        {
            Layer($"encoder.hidden.{i}", width, options.HiddenSizes[i]);
            width = options.HiddenSizes[i];
        }
        Layer("encoder.mu", width, options.LatentSize);
        Layer("encoder.logvar", width, options.LatentSize);
        width = options.LatentSize;
        for (int i = 0; i < options.HiddenSizes.Length; i++)
        {
            int size = options.HiddenSizes[options.HiddenSizes.Length - 1 - i];
            Layer($"decoder.hidden.{i}", width, size);
            width = size;
        }
        Layer("decoder.out", width, options.InputSize);
        return specs;
    }

    /// <summary>
    /// Initial values of every parameter, drawn on the host in float64 from the Philox stream of
    /// <paramref name="seed"/> (parameter k uses counter offset k · 2³²), so every device and dtype starts from
    /// the same numbers. u ∈ (0, 1] maps to (2u − 1) · bound ∈ (−bound, bound].
    /// nn.Linear default: bound = 1/√fan_in for weight and bias. Xavier/Glorot uniform: bound = √(6 / (fan_in + fan_out)), bias 0.
    /// </summary>
    public static T[] InitialValues<T>(ParameterSpec spec, int index, Initialization initialization, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double bound = initialization switch
        {
            Initialization.Xavier => spec.IsWeight ? Math.Sqrt(6.0 / (spec.FanIn + spec.FanOut)) : 0.0,
            _ => 1.0 / Math.Sqrt(spec.FanIn),
        };
        var values = new T[spec.Length];
        ulong counterOffset = (ulong)index << 32;
        for (int i = 0; i < values.Length; i++)
            values[i] = T.CreateChecked((2 * RandomStreams.Uniform<double>(seed, counterOffset, i) - 1) * bound);
        return values;
    }
}
