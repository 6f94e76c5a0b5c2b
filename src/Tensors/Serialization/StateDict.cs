using System.Collections;

namespace ScratchVae.Tensors;

/// <summary>
/// An ordered set of named tensors on the host, with string metadata: what a module's or an optimizer's
/// <c>StateDict()</c> returns and what <c>LoadStateDict</c> takes, as PyTorch's <c>state_dict()</c>. It saves to and
/// loads from one safetensors file (<see cref="SafeTensorsFile"/>), tensors in this order, metadata in
/// <c>__metadata__</c>, so the file is readable by <c>safetensors.torch.load_file</c>.
/// </summary>
public sealed class StateDict : IReadOnlyList<NamedTensor>
{
    private readonly List<NamedTensor> _tensors = [];
    private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);

    /// <summary>An empty state dict.</summary>
    public StateDict()
    {
    }

    /// <summary>A state dict holding <paramref name="tensors"/> in order and a copy of <paramref name="metadata"/>.</summary>
    public StateDict(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var tensor in tensors) Add(tensor);
        if (metadata is not null)
            foreach (var (key, value) in metadata) Metadata[key] = value;
    }

    /// <summary>Free-form string metadata (the safetensors <c>__metadata__</c>), e.g. the step an optimizer reached.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Where the dict was read from (a path), or null for one made in memory; used in messages.</summary>
    public string? Source { get; private init; }

    /// <summary>The number of tensors.</summary>
    public int Count => _tensors.Count;

    /// <summary>Tensor <paramref name="index"/> in order.</summary>
    public NamedTensor this[int index] => _tensors[index];

    /// <summary>The tensor named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> naming it when absent.</summary>
    public NamedTensor this[string name] => TryGet(name, out var tensor) ? tensor
        : throw new KeyNotFoundException($"The state dict{(Source is null ? "" : $" of {Source}")} has no tensor '{name}'.");

    /// <summary>The names, in order.</summary>
    public IEnumerable<string> Names => _tensors.Select(t => t.Name);

    /// <summary>True when a tensor is named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _indices.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, out NamedTensor tensor)
    {
        if (_indices.TryGetValue(name, out int index))
        {
            tensor = _tensors[index];
            return true;
        }
        tensor = null!;
        return false;
    }

    /// <summary>Appends a tensor; refuses a name already present.</summary>
    public void Add(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_indices.TryAdd(tensor.Name, _tensors.Count))
            throw new ArgumentException($"State dict: the name '{tensor.Name}' appears twice.", nameof(tensor));
        _tensors.Add(tensor);
    }

    /// <summary>Appends every tensor of <paramref name="other"/> with <paramref name="prefix"/> before its name.</summary>
    public void AddRange(IEnumerable<NamedTensor> other, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var tensor in other) Add(prefix.Length == 0 ? tensor : tensor with { Name = prefix + tensor.Name });
    }

    /// <summary>Writes the dict to <paramref name="path"/> as safetensors, atomically (see <see cref="AtomicFile"/>).</summary>
    public void Save(string path) => SafeTensorsFile.Write(path, _tensors, Metadata);

    /// <summary>Reads and validates a safetensors file; throws <see cref="SafeTensorsException"/> naming the file and the problem.</summary>
    public static StateDict Load(string path)
    {
        var (tensors, metadata) = SafeTensorsFile.Read(path);
        var dict = new StateDict { Source = path };
        foreach (var tensor in tensors) dict.Add(tensor);
        foreach (var (key, value) in metadata) dict.Metadata[key] = value;
        return dict;
    }

    /// <inheritdoc />
    public IEnumerator<NamedTensor> GetEnumerator() => _tensors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
