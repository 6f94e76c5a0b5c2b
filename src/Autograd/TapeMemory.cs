namespace ScratchVae.Autograd;

/// <summary>
/// What a scope owns: every value computed while it was active (with its gradient), the constants made in it, and,
/// through the recorded operations, the tensors they saved for backward. Freed together, newest first, so that the
/// device's pool hands the same buffers back in the same order next step (not needed for correctness, but it keeps
/// the allocation pattern of a repeated step stable, and a warm loop allocating nothing).
/// </summary>
internal sealed class TapeMemory
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>The number of values owned.</summary>
    public int Count => _owned.Count;

    /// <summary>Takes <paramref name="value"/>; it is freed by <see cref="Free"/>.</summary>
    public void Own(IDisposable value) => _owned.Add(value);

    /// <summary>Frees the tensors <paramref name="operations"/> saved, then every owned value, each newest first.</summary>
    public void Free(IReadOnlyList<ITapeEntry> operations)
    {
        for (int i = operations.Count - 1; i >= 0; i--) operations[i].Release();
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }
}
