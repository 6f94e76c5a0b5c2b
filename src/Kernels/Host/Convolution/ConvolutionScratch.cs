using System.Numerics;
using System.Runtime.InteropServices;

namespace ScratchVae.Kernels.Host.Convolution;

/// <summary>
/// One thread's convolution scratch: the unfolded patches of its image group and their channel-major product, grown to
/// the largest group seen and kept for the thread's lifetime (as the GEMM's pack buffers are), so a training step
/// allocates nothing once warm and each thread works in its own cache.
/// </summary>
internal sealed unsafe class ConvolutionScratch
{
    [ThreadStatic] private static ConvolutionScratch? s_current;

    private void* _patches, _channelMajor, _rows, _offsets, _foldTable;
    private long _patchesBytes, _channelMajorBytes, _rowsBytes, _offsetsBytes, _foldTableBytes;
    private (ConvolutionGeometry Geometry, long GroupColumns)? _foldTableKey;

    /// <summary>The calling thread's scratch.</summary>
    public static ConvolutionScratch ForCurrentThread() => s_current ??= new ConvolutionScratch();

    /// <summary>Room for <paramref name="length"/> elements of unfolded patches (contents undefined).</summary>
    public T* Patches<T>(long length) where T : unmanaged, IFloatingPointIeee754<T> => (T*)Grow(ref _patches, ref _patchesBytes, length * sizeof(T));

    /// <summary>Room for <paramref name="length"/> elements of padded image rows (contents undefined).</summary>
    public T* Rows<T>(long length) where T : unmanaged, IFloatingPointIeee754<T> => (T*)Grow(ref _rows, ref _rowsBytes, length * sizeof(T));

    /// <summary>Room for <paramref name="length"/> elements of a channel-major image group (contents undefined).</summary>
    public T* ChannelMajor<T>(long length) where T : unmanaged, IFloatingPointIeee754<T> => (T*)Grow(ref _channelMajor, ref _channelMajorBytes, length * sizeof(T));

    /// <summary>Room for <paramref name="length"/> gather offsets (contents undefined).</summary>
    public int* Offsets(long length) => (int*)Grow(ref _offsets, ref _offsetsBytes, length * sizeof(int));

    /// <summary>
    /// The fold table of <paramref name="geometry"/> for groups of <paramref name="groupColumns"/> columns: the last one
    /// built when it was for the same, else room for <paramref name="length"/> entries and <paramref name="fresh"/> set.
    /// </summary>
    public int* FoldTable(in ConvolutionGeometry geometry, long groupColumns, long length, out bool fresh)
    {
        fresh = _foldTableKey != (geometry, groupColumns) || _foldTable == null;
        if (!fresh) return (int*)_foldTable;
        _foldTableKey = (geometry, groupColumns);
        return (int*)Grow(ref _foldTable, ref _foldTableBytes, length * sizeof(int));
    }

    private static void* Grow(ref void* pointer, ref long capacity, long bytes)
    {
        if (bytes <= capacity && pointer != null) return pointer;
        if (pointer != null) NativeMemory.AlignedFree(pointer);
        capacity = Math.Max(bytes, 64);
        pointer = NativeMemory.AlignedAlloc((nuint)capacity, 64);
        return pointer;
    }

    /// <summary>Frees the buffers once the owning thread has ended.</summary>
    ~ConvolutionScratch()
    {
        if (_patches != null) NativeMemory.AlignedFree(_patches);
        if (_channelMajor != null) NativeMemory.AlignedFree(_channelMajor);
        if (_rows != null) NativeMemory.AlignedFree(_rows);
        if (_offsets != null) NativeMemory.AlignedFree(_offsets);
        if (_foldTable != null) NativeMemory.AlignedFree(_foldTable);
    }
}

/// <summary>Weight-gradient partials shared by the threads of one backend: one [O, R] block per slot, grown on demand.</summary>
internal sealed unsafe class SharedScratch : IDisposable
{
    private void* _pointer;
    private long _bytes;

    public T* Get<T>(long length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long bytes = length * sizeof(T);
        if (bytes > _bytes || _pointer == null)
        {
            if (_pointer != null) NativeMemory.AlignedFree(_pointer);
            _bytes = Math.Max(bytes, 64);
            _pointer = NativeMemory.AlignedAlloc((nuint)_bytes, 64);
        }
        return (T*)_pointer;
    }

    public void Dispose()
    {
        if (_pointer != null) NativeMemory.AlignedFree(_pointer);
        _pointer = null;
        _bytes = 0;
    }
}
