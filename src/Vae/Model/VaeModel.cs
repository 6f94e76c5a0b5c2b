using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Model;

/// <summary>
/// A VAE's trainable parameters on a device, named and laid out as PyTorch's nn.Linear layers
/// (see <see cref="ParameterLayout"/>), with the <see cref="VaeNetwork{T}"/> that computes with them.
/// </summary>
public sealed class VaeModel<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a model with freshly initialised parameters (Philox stream of <paramref name="seed"/>).</summary>
    public VaeModel(VaeOptions options, Device device, ulong seed)
        : this(options, device, ParameterLayout.For(options).Select((spec, index) => ParameterLayout.InitialValues<T>(spec, index, options.Initialization, seed)).ToList())
    {
    }

    /// <summary>Creates a model from given values, one array per parameter in <see cref="ParameterLayout"/> order.</summary>
    public VaeModel(VaeOptions options, Device device, IReadOnlyList<T[]> values)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Device = device;
        Specs = ParameterLayout.For(options);
        if (values.Count != Specs.Count) throw new ArgumentException($"The model needs {Specs.Count} parameter arrays, got {values.Count}.");
        var parameters = new List<Parameter<T>>();
        for (int i = 0; i < Specs.Count; i++)
        {
            if (values[i].Length != Specs[i].Length)
                throw new ArgumentException($"Parameter {Specs[i].Name} {new Shape(Specs[i].Shape)} needs {Specs[i].Length} values, got {values[i].Length}.");
            parameters.Add(new Parameter<T>(Tensor<T>.FromArray(values[i], new Shape(Specs[i].Shape), device), Specs[i].Name));
        }
        Parameters = parameters;
        Network = new VaeNetwork<T>(options, parameters);
    }

    /// <summary>The architecture.</summary>
    public VaeOptions Options { get; }

    /// <summary>Where the parameters live.</summary>
    public Device Device { get; }

    /// <summary>Names and shapes, in order.</summary>
    public IReadOnlyList<ParameterSpec> Specs { get; }

    /// <summary>The parameters, in <see cref="ParameterLayout"/> order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>The encoder, decoder and loss over these parameters.</summary>
    public VaeNetwork<T> Network { get; }

    /// <summary>Zeroes every parameter's accumulated gradient.</summary>
    public void ZeroGradients()
    {
        // An index loop: foreach over the IReadOnlyList would allocate an enumerator every step.
        for (int i = 0; i < Parameters.Count; i++) Parameters[i].ZeroGradient();
    }

    /// <summary>Copies every parameter to host arrays, in order.</summary>
    public IReadOnlyList<T[]> Snapshot() => Parameters.Select(p => p.Value.ToArray()).ToList();

    /// <summary>Overwrites every parameter from host arrays, in order.</summary>
    public void Load(IReadOnlyList<T[]> values)
    {
        if (values.Count != Parameters.Count) throw new ArgumentException($"The model has {Parameters.Count} parameters, got {values.Count} arrays.");
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Length != Parameters[i].Length)
                throw new ArgumentException($"Parameter {Specs[i].Name} {Parameters[i].Shape} needs {Parameters[i].Length} values, got {values[i].Length}.");
            Device.Backend.Upload<T>(values[i], Parameters[i].Value.Buffer);
        }
    }

    /// <summary>Frees the parameters.</summary>
    public void Dispose()
    {
        foreach (var parameter in Parameters) parameter.Dispose();
    }
}
