using System.Numerics;
using System.Text;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Layers;

/// <summary>A parameter with its full dotted name in a module tree, e.g. "encoder.hidden.0.weight".</summary>
/// <param name="Name">The path of module names, then the parameter's own name, joined by dots (PyTorch's names).</param>
/// <param name="Parameter">The trainable leaf.</param>
public readonly record struct NamedParameter<T>(string Name, Parameter<T> Parameter) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// A piece of a model: named parameters and named sub-modules, as PyTorch's <c>nn.Module</c>, and nothing else (no
/// hooks, no magic). A subclass registers what it owns in its constructor with <see cref="AddParameter"/> and
/// <see cref="AddModule{TModule}"/>, and computes with it in methods of its own written with <see cref="Ops"/>.
/// <para>
/// <b>Order and names.</b> <see cref="NamedParameters"/> lists a module's own parameters in the order they were added,
/// then each sub-module's, depth first in the order the sub-modules were added, every name prefixed with the path of
/// module names: a VAE whose <c>encoder</c> holds a <c>hidden</c> list of <see cref="Linear{T}"/> names its first weight
/// <c>encoder.hidden.0.weight</c>, exactly as <c>torch.nn.Module.named_parameters()</c> would. State dicts, optimizers
/// and checkpoints all use this order and these names.
/// </para>
/// <para>The module owns its parameters and sub-modules: disposing it frees them all.</para>
/// </summary>
/// <typeparam name="T">float (training) or double (gradient checks).</typeparam>
public abstract class Module<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<(string Name, Parameter<T> Parameter)> _parameters = [];
    private readonly List<(string Name, Module<T> Module)> _children = [];
    private bool _disposed;

    /// <summary>Registers a parameter named <paramref name="name"/> that takes ownership of <paramref name="value"/>.</summary>
    protected Parameter<T> AddParameter(string name, Tensor<T> value)
    {
        CheckName(name);
        var parameter = new Parameter<T>(value, name);
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>Registers <paramref name="module"/> as the sub-module <paramref name="name"/> and returns it; this module now owns it.</summary>
    protected TModule AddModule<TModule>(string name, TModule module) where TModule : Module<T>
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        if (ReferenceEquals(module, this)) throw new ArgumentException($"{GetType().Name}: a module cannot contain itself (as '{name}').", nameof(module));
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"{GetType().Name}: the name '{name}' contains a dot, which separates the levels of a name.", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already taken by another parameter or sub-module.", nameof(name));
    }

    /// <summary>The sub-modules directly inside this one, in the order they were added.</summary>
    public IReadOnlyList<(string Name, Module<T> Module)> Children => _children;

    /// <summary>Every parameter of the tree with its full name, in the documented order (see the class remarks).</summary>
    public IReadOnlyList<NamedParameter<T>> NamedParameters()
    {
        var result = new List<NamedParameter<T>>();
        Collect(this, "", result);
        return result;

        static void Collect(Module<T> module, string prefix, List<NamedParameter<T>> into)
        {
            foreach (var (name, parameter) in module._parameters) into.Add(new NamedParameter<T>(prefix + name, parameter));
            foreach (var (name, child) in module._children) Collect(child, prefix + name + ".", into);
        }
    }

    /// <summary>Every parameter of the tree, in the order of <see cref="NamedParameters"/>.</summary>
    public IReadOnlyList<Parameter<T>> Parameters() => NamedParameters().Select(p => p.Parameter).ToList();

    /// <summary>The number of trainable values (elements over every parameter).</summary>
    public long ParameterCount => NamedParameters().Sum(p => (long)p.Parameter.Length);

    /// <summary>The device of the parameters (null for a module without any).</summary>
    public Device? Device => NamedParameters() is { Count: > 0 } all ? all[0].Parameter.Device : null;

    /// <summary>Zeroes the accumulated gradient of every parameter (PyTorch's <c>zero_grad()</c>); allocates nothing.</summary>
    public void ZeroGradients()
    {
        // Index loops: no enumerator is allocated, so a training step can call this every time.
        for (int i = 0; i < _parameters.Count; i++) _parameters[i].Parameter.ZeroGradient();
        for (int i = 0; i < _children.Count; i++) _children[i].Module.ZeroGradients();
    }

    /// <summary>
    /// Moves every parameter to <paramref name="device"/> in place (PyTorch's <c>module.to(device)</c>) and returns
    /// this module. Gradients are dropped; create optimizers and record graphs after moving.
    /// </summary>
    public Module<T> To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var parameter in NamedParameters()) parameter.Parameter.MoveTo(device);
        return this;
    }

    /// <summary>A host copy of every parameter under its full name, in order (PyTorch's <c>state_dict()</c>).</summary>
    public StateDict StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new StateDict(NamedParameters().Select(p => NamedTensor.From(p.Name, p.Parameter.Value)));
    }

    /// <summary>
    /// Copies the tensors of <paramref name="state"/> into the parameters of the same names (PyTorch's
    /// <c>load_state_dict</c>). Everything is checked before anything is written: a tensor that is missing, that the
    /// module does not have (unless <paramref name="strict"/> is false), or whose shape differs is refused with a
    /// <see cref="StateDictException"/> naming the key and both shapes, and the module is left unchanged. F32 and F64
    /// tensors load into either element type.
    /// </summary>
    public void LoadStateDict(StateDict state, bool strict = true)
    {
        CheckStateDict(state, strict);
        foreach (var (name, parameter) in NamedParameters())
            if (state.TryGet(name, out var tensor))
                parameter.Device.Backend.Upload<T>(tensor.ValuesAs<T>(), parameter.Value.Buffer);
    }

    /// <summary>
    /// The checks of <see cref="LoadStateDict"/> without loading anything: throws <see cref="StateDictException"/>
    /// naming the first key that is missing, unexpected (when <paramref name="strict"/>) or of another shape.
    /// </summary>
    public void CheckStateDict(StateDict state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var named = NamedParameters();
        string source = state.Source is null ? "state dict" : state.Source;
        foreach (var (name, parameter) in named)
        {
            string needed = $"[{string.Join(", ", parameter.Shape.ToArray())}]";
            if (!state.TryGet(name, out var tensor))
            {
                if (strict) throw new StateDictException(name, $"{source}: tensor '{name}' is missing; the {TypeName} needs it with shape {needed}");
                continue;
            }
            if (!tensor.Shape.SequenceEqual(parameter.Shape.ToArray()))
                throw new StateDictException(name, $"{source}: tensor '{name}' has shape {tensor.ShapeText} but the {TypeName} needs {needed}");
        }
        if (strict)
        {
            var known = named.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var tensor in state)
                if (!known.Contains(tensor.Name))
                    throw new StateDictException(tensor.Name, $"{source}: tensor '{tensor.Name}' {tensor.ShapeText} is unexpected: the {TypeName} has no parameter of that name");
        }
    }

    /// <summary>Saves <see cref="StateDict"/> to a safetensors file, with optional metadata, atomically.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var state = StateDict();
        if (metadata is not null)
            foreach (var (key, value) in metadata) state.Metadata[key] = value;
        state.Save(path);
    }

    /// <summary>Loads a safetensors file written by <see cref="Save"/> (or by PyTorch) through <see cref="LoadStateDict"/>; returns its metadata.</summary>
    public IReadOnlyDictionary<string, string> Load(string path, bool strict = true)
    {
        var state = Tensors.StateDict.Load(path);
        LoadStateDict(state, strict);
        return state.Metadata;
    }

    /// <summary>A tree of the module's parts with their parameter shapes, as PyTorch prints a module.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Describe(text, "", 0);
        return text.ToString().TrimEnd();
    }

    /// <summary>The class name without its generic arity ("Linear"), for messages.</summary>
    protected string TypeName => GetType().Name.Split('`')[0];

    /// <summary>One line describing this module itself (its type and sizes), used by <see cref="ToString"/>.</summary>
    protected virtual string Summary => TypeName;

    private void Describe(StringBuilder text, string name, int depth)
    {
        text.Append(' ', depth * 2).Append(name.Length > 0 ? $"({name}): " : "").AppendLine(Summary);
        foreach (var (childName, child) in _children) child.Describe(text, childName, depth + 1);
    }

    /// <summary>Frees every parameter and sub-module.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, parameter) in _parameters) parameter.Dispose();
        foreach (var (_, child) in _children) child.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A state dict that does not fit the module or optimizer it is loaded into; nothing was loaded.</summary>
public sealed class StateDictException(string key, string message) : Exception(message)
{
    /// <summary>The tensor name at fault.</summary>
    public string Key { get; } = key;
}
