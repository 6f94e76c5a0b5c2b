using System.Runtime.InteropServices;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// One thread's packing scratch: a panel buffer for A and one for B, 64-byte aligned, grown on demand and kept
/// for the thread's lifetime, so a training step's GEMMs allocate nothing once warm. Each worker thread has its
/// own, so threads pack without sharing.
/// </summary>
internal sealed unsafe class PackBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static PackBuffers<T>? s_current;

    private T* _a;
    private nint _aCapacity;
    private T* _b;
    private nint _bCapacity;

    /// <summary>The calling thread's buffers.</summary>
    public static PackBuffers<T> ForCurrentThread() => s_current ??= new PackBuffers<T>();

    /// <summary>The A buffer with room for at least <paramref name="elements"/> (plus the packer's slack).</summary>
    public T* A(nint elements) => Ensure(ref _a, ref _aCapacity, elements);

    /// <summary>The B buffer with room for at least <paramref name="elements"/> (plus the packer's slack).</summary>
    public T* B(nint elements) => Ensure(ref _b, ref _bCapacity, elements);

    private static T* Ensure(ref T* buffer, ref nint capacity, nint elements)
    {
        elements += PanelPacker.Slack;
        if (elements <= capacity) return buffer;
        if (buffer != null) NativeMemory.AlignedFree(buffer);
        buffer = (T*)NativeMemory.AlignedAlloc((nuint)(elements * sizeof(T)), 64);
        capacity = elements;
        return buffer;
    }

    /// <summary>Frees the buffers once the owning thread has ended.</summary>
    ~PackBuffers()
    {
        if (_a != null) NativeMemory.AlignedFree(_a);
        if (_b != null) NativeMemory.AlignedFree(_b);
    }
}
