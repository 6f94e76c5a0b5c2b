using System.Numerics;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// Layers applied one after the other, y = layerₙ(… layer₁(layer₀(x))), named "0", "1", … as in PyTorch's
/// <c>nn.Sequential</c> (so the first weight of <c>Sequential(Linear, ReLU, Linear)</c> is <c>0.weight</c> and the
/// second <c>2.weight</c>). A <see cref="Linear{T}"/> directly followed by an <see cref="Activation{T, TOperator}"/>
/// runs as one fused pass; the values are those of the two layers run apart.
/// </summary>
public sealed class Sequential<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Layer<T>> _layers = [];

    /// <summary>Chains <paramref name="layers"/> in order.</summary>
    public Sequential(params Layer<T>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer under the next index.</summary>
    public Sequential<T> Add(Layer<T> layer)
    {
        _layers.Add(AddModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        return this;
    }

    /// <summary>The number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>Layer <paramref name="index"/>.</summary>
    public Layer<T> this[int index] => _layers[index];

    /// <inheritdoc />
    public override Var<T> Forward(Var<T> input)
    {
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i] is Linear<T> linear && i + 1 < _layers.Count && _layers[i + 1] is IFusableActivation<T> activation)
            {
                x = activation.AfterLinear(linear, x);
                i++;
                continue;
            }
            x = _layers[i].Forward(x);
        }
        return x;
    }
}
