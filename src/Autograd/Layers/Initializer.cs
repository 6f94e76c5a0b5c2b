using System.Numerics;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// Draws the initial values of parameters from the project's Philox streams, so that every device and both element
/// types start from the same numbers: the k-th tensor drawn (k = 0, 1, … in the order the layers ask) uses counter
/// offset k · 2³² of the stream of <see cref="Seed"/>, and its values are computed on the host in float64, then rounded
/// to the element type and uploaded. Building the same model with the same seed always gives the same weights.
/// <code>
/// var init = new Initializer(device, seed: 1);
/// var encoder = new Linear&lt;float&gt;(784, 400, init);                                   // PyTorch's default
/// var head = new Linear&lt;float&gt;(400, 20, init, LinearInitialization.XavierUniform);
/// </code>
/// </summary>
public sealed class Initializer
{
    /// <summary>Creates an initializer for parameters on <paramref name="device"/>; the first tensor drawn uses stream <paramref name="firstStream"/>.</summary>
    public Initializer(Device device, ulong seed, int firstStream = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(firstStream);
        Device = device;
        Seed = seed;
        NextStream = firstStream;
    }

    /// <summary>Where the tensors are created.</summary>
    public Device Device { get; }

    /// <summary>The Philox seed.</summary>
    public ulong Seed { get; }

    /// <summary>The stream the next tensor draws from (one per tensor, zeros included, so numbering never shifts).</summary>
    public int NextStream { get; private set; }

    /// <summary>Values (2u − 1) · bound for Philox uniforms u ∈ (0, 1]: U(−bound, bound].</summary>
    public Tensor<T> Uniform<T>(Shape shape, double bound) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(bound >= 0) || double.IsInfinity(bound)) throw new ArgumentOutOfRangeException(nameof(bound), bound, "Initializer.Uniform: the bound must be finite and ≥ 0.");
        ulong counterOffset = TakeStream();
        var values = new T[shape.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = T.CreateTruncating((2 * RandomStreams.Uniform<double>(Seed, counterOffset, i) - 1) * bound);
        return Tensor<T>.FromArray(values, shape, Device);
    }

    /// <summary>Values N(0, standardDeviation²) from the Philox normal stream (Box–Muller in float64).</summary>
    public Tensor<T> Normal<T>(Shape shape, double standardDeviation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(standardDeviation >= 0) || double.IsInfinity(standardDeviation))
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "Initializer.Normal: the standard deviation must be finite and ≥ 0.");
        ulong counterOffset = TakeStream();
        var values = new T[shape.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = T.CreateTruncating(RandomStreams.Normal(Seed, counterOffset, i, 0.0, standardDeviation));
        return Tensor<T>.FromArray(values, shape, Device);
    }

    /// <summary>Zeros (a bias under Xavier or Kaiming); takes a stream all the same, so the tensors after it draw the same numbers whatever the scheme.</summary>
    public Tensor<T> Zeros<T>(Shape shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TakeStream();
        return Tensor<T>.Zeros(shape, Device);
    }

    private ulong TakeStream() => (ulong)NextStream++ << 32;
}

/// <summary>How <see cref="Linear{T}"/> draws its weight W [out, in] and bias b [out] (fan_in = in, fan_out = out).</summary>
public enum LinearInitialization
{
    /// <summary>nn.Linear's default (kaiming_uniform_ with a = √5): W and b ~ U(±1/√fan_in).</summary>
    PyTorch,
    /// <summary>Xavier/Glorot uniform (Glorot &amp; Bengio 2010): W ~ U(±√(6 / (fan_in + fan_out))), b = 0.</summary>
    XavierUniform,
    /// <summary>Xavier/Glorot normal: W ~ N(0, 2 / (fan_in + fan_out)), b = 0.</summary>
    XavierNormal,
    /// <summary>He/Kaiming uniform for ReLU (He et al. 2015, gain √2, fan_in mode): W ~ U(±√(6 / fan_in)), b = 0.</summary>
    KaimingUniform,
    /// <summary>He/Kaiming normal for ReLU: W ~ N(0, 2 / fan_in), b = 0.</summary>
    KaimingNormal,
    /// <summary>
    /// The naive choice, W ~ N(0, 1) whatever the fan-in, b = 0: a unit's pre-activation then has a variance of Σ xᵢ²,
    /// which grows with the layer's width. A baseline that shows why the schemes above scale by the fan.
    /// </summary>
    StandardNormal,
}
