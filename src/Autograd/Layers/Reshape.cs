// Shape legend: B examples; x [B, d₁, …, dₖ].
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Layers;

/// <summary>[B, d₁, …, dₖ] → [B, d₁ · … · dₖ], keeping the batch axis (PyTorch's <c>nn.Flatten()</c>); a view, no copy.</summary>
public sealed class Flatten<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public override Var<T> Forward(Var<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Shape.Rank < 1) throw new ArgumentException($"Flatten: the input is a scalar {input.Shape}; it needs a batch axis.", nameof(input));
        int batch = input.Shape[0];
        return Ops.Reshape(input, Shape.Matrix(batch, batch == 0 ? 0 : input.Length / batch));
    }
}

/// <summary>
/// [B, …] → [B, d₁, …, dₖ] for the given per-example shape, keeping the batch axis (PyTorch's
/// <c>nn.Unflatten(1, shape)</c>, e.g. a decoder's [B, 3136] → [B, 64, 7, 7]); a view, no copy.
/// </summary>
public sealed class Reshape<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _exampleShape;

    /// <summary>A layer that views each example as <paramref name="exampleShape"/>.</summary>
    public Reshape(params int[] exampleShape)
    {
        ArgumentNullException.ThrowIfNull(exampleShape);
        if (exampleShape.Length == 0 || exampleShape.Any(d => d < 1))
            throw new ArgumentException($"Reshape: the per-example shape [{string.Join(", ", exampleShape)}] needs at least one dimension, each ≥ 1.", nameof(exampleShape));
        _exampleShape = (int[])exampleShape.Clone();
        ExampleLength = new Shape(_exampleShape).Length;
    }

    /// <summary>The elements of one example, d₁ · … · dₖ.</summary>
    public int ExampleLength { get; }

    /// <inheritdoc />
    public override Var<T> Forward(Var<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Shape.Rank < 1 || input.Shape[0] == 0 || input.Length != input.Shape[0] * ExampleLength)
            throw new ArgumentException($"{Summary}: the input {input.Shape} does not hold {ExampleLength} elements per example.", nameof(input));
        return Ops.Reshape(input, new Shape([input.Shape[0], .. _exampleShape]));
    }

    /// <inheritdoc />
    protected override string Summary => $"Reshape(B, {string.Join(", ", _exampleShape)})";
}
