using System.Numerics;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// Sub-modules in a list named "0", "1", …, as PyTorch's <c>nn.ModuleList</c>: it holds and names them, and the
/// module that owns the list decides how to apply them (e.g. a hidden layer followed by the model's activation).
/// </summary>
public sealed class ModuleList<T, TModule> : Module<T>, IReadOnlyList<TModule>
    where T : unmanaged, IFloatingPointIeee754<T> where TModule : Module<T>
{
    private readonly List<TModule> _modules = [];

    /// <summary>A list holding <paramref name="modules"/> in order.</summary>
    public ModuleList(IEnumerable<TModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules) Add(module);
    }

    /// <summary>Appends a module under the next index.</summary>
    public void Add(TModule module) => _modules.Add(AddModule(_modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));

    /// <summary>The number of modules.</summary>
    public int Count => _modules.Count;

    /// <summary>Module <paramref name="index"/>.</summary>
    public TModule this[int index] => _modules[index];

    /// <summary>The modules in order (a struct enumerator: no allocation in a training loop).</summary>
    public List<TModule>.Enumerator GetEnumerator() => _modules.GetEnumerator();

    IEnumerator<TModule> IEnumerable<TModule>.GetEnumerator() => _modules.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _modules.GetEnumerator();
}
