using System.Numerics;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// A module with one input and one output, y = layer(x), so that layers can be chained (<see cref="Sequential{T}"/>).
/// Modules with several inputs or outputs (a VAE's encoder returns μ and log σ²) derive from <see cref="Module{T}"/>
/// directly and give their own methods.
/// </summary>
public abstract class Layer<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Computes the layer's output with autograd operations (recorded on the active tape).</summary>
    public abstract Var<T> Forward(Var<T> input);
}
