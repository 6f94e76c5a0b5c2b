using System.Numerics;
using System.Runtime.InteropServices;

namespace ScratchVae.Kernels.Host.Convolution;

/// <summary>
/// The host convolution's working memory: the unfolded patches and a channel-major copy of an image group. It grows to
/// the largest convolution seen and is then reused, so a training step allocates nothing once warm. Native memory,
/// 64-byte aligned; freed with the backend.
/// </summary>
internal sealed unsafe class ConvolutionScratch : IDisposable
{
    private void* _patches, _channelMajor;
    private long _patchesBytes, _channelMajorBytes;

    /// <summary>Room for <paramref name="length"/> elements of the unfolded patches (contents undefined).</summary>
    public T* Patches<T>(long length) where T : unmanaged, IFloatingPointIeee754<T> => (T*)Grow(ref _patches, ref _patchesBytes, length * sizeof(T));

    /// <summary>Room for <paramref name="length"/> elements of a channel-major image group (contents undefined).</summary>
    public T* ChannelMajor<T>(long length) where T : unmanaged, IFloatingPointIeee754<T> => (T*)Grow(ref _channelMajor, ref _channelMajorBytes, length * sizeof(T));

    private static void* Grow(ref void* pointer, ref long capacity, long bytes)
    {
        if (bytes <= capacity && pointer != null) return pointer;
        if (pointer != null)
        {
            NativeMemory.AlignedFree(pointer);
            GC.RemoveMemoryPressure(capacity);
        }
        pointer = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 64), 64);
        capacity = Math.Max(bytes, 64);
        GC.AddMemoryPressure(capacity);
        return pointer;
    }

    public void Dispose()
    {
        foreach (var (pointer, bytes) in new[] { ((nint)_patches, _patchesBytes), ((nint)_channelMajor, _channelMajorBytes) })
        {
            if (pointer == 0) continue;
            NativeMemory.AlignedFree((void*)pointer);
            GC.RemoveMemoryPressure(bytes);
        }
        _patches = _channelMajor = null;
        _patchesBytes = _channelMajorBytes = 0;
    }
}
