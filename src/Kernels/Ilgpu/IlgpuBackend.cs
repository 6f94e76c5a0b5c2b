using System.Numerics;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// The backend over one ILGPU <see cref="Accelerator"/>: CUDA, OpenCL and ILGPU's CPU accelerator run the same kernel
/// methods (<see cref="KernelCatalogue"/>). All work goes to the accelerator's default stream, so primitives run in
/// the order they are called. One caller at a time: the kernel cache is not synchronised, so give each thread its own
/// backend. This file holds the plumbing (memory, kernel loading, launch sizes); the primitives
/// are in the other IlgpuBackend.*.cs files.
/// </summary>
public sealed partial class IlgpuBackend : IBackend
{
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly Dictionary<MethodInfo, Delegate> _launchers = new();
    private readonly Dictionary<Type, IDisposable> _scratch = new();
    private MemoryBuffer1D<int, Stride1D.Dense>? _arrivals;
    private bool _disposed;

    internal IlgpuBackend(Accelerator accelerator, string name, string description)
    {
        _accelerator = accelerator;
        _stream = accelerator.DefaultStream;
        Name = name;
        Description = description;
        IsCpuEmulator = accelerator is CPUAccelerator;
        // Threads per grid-stride launch. A GPU gets enough to fill every multiprocessor. The CPU accelerator gets
        // a few per core: each emulated thread costs an OS-thread hand-off, so few threads looping over many
        // elements beat one thread per element by orders of magnitude there.
        LaunchThreads = IsCpuEmulator
            ? Math.Max(2, 2 * Environment.ProcessorCount)
            : (int)Math.Clamp((long)accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerMultiprocessor, 1024, 1 << 22);
        // The 64 × 64 tiled GEMM needs 64 threads per group and two 64 × 16 slabs of shared memory (16 KiB in double);
        // the 128 × 128 one 256 threads and two stages of two 8 × 132 slabs (33 KiB in double).
        CanRunTiledGemm = accelerator.MaxNumThreadsPerGroup >= GemmKernels.ThreadsPerGroup
            && accelerator.MaxSharedMemoryPerGroup >= 2L * GemmKernels.TileSize * GemmKernels.TileDepth * sizeof(double);
        CanRunTiled128Gemm = accelerator.MaxNumThreadsPerGroup >= GemmKernels.WideThreadsPerGroup
            && accelerator.MaxSharedMemoryPerGroup >= (long)GemmKernels.WideSharedElements * sizeof(double);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>True on ILGPU's CPU accelerator, a GPU emulator meant for tests.</summary>
    public bool IsCpuEmulator { get; }

    /// <summary>The number of threads a grid-stride kernel is launched with (at most one per work item).</summary>
    public int LaunchThreads { get; }

    /// <summary>True when the accelerator offers what <see cref="GemmKernels.Tiled{T}"/> needs.</summary>
    public bool CanRunTiledGemm { get; }

    /// <summary>True when the accelerator offers what <see cref="GemmKernels.Tiled128{T}"/> needs (256 threads per group).</summary>
    public bool CanRunTiled128Gemm { get; }

    /// <summary>Kernels launched since the backend was created: every primitive's launches, counted where they are loaded.</summary>
    public long KernelLaunches { get; private set; }

    /// <summary>
    /// <see cref="KernelLaunches"/> by kernel ("Class.Method"), so that a count can be read as the passes it stands for.
    /// </summary>
    public IReadOnlyDictionary<string, long> KernelLaunchesByKernel => _launchesByKernel;

    private readonly Dictionary<string, long> _launchesByKernel = new(StringComparer.Ordinal);

    /// <summary>Which GEMM kernel to launch; tests set <see cref="Ilgpu.GemmStrategy.Tiled"/> or <see cref="Ilgpu.GemmStrategy.Tiled128"/> to run a GPU kernel on the CPU accelerator, benchmarks to compare them.</summary>
    public GemmStrategy GemmStrategy { get; set; } = GemmStrategy.Automatic;

    /// <summary>Whether the tiled GEMM may split k (<see cref="GemmSplit(long, int)"/>); benchmarks turn it off to measure the gain.</summary>
    public bool GemmSplitK { get; set; } = true;

    /// <summary>
    /// Whether a split tiled GEMM adds its k-ranges' partial sums inside its one launch (the last group of each block
    /// of C to finish does it, <see cref="GemmKernels.FinishSplits{T}"/>) rather than in a second launch
    /// (<see cref="GemmKernels.SumSplits{T}"/>). The same bits either way; benchmarks turn it off to measure the launch
    /// it saves.
    /// </summary>
    public bool GemmSumSplitsInKernel { get; set; } = true;

    /// <inheritdoc />
    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Size("Allocate", nameof(length), length);
        DTypes.Check<T>();
        return new IlgpuBuffer<T>(this, _accelerator, length);
    }

    /// <inheritdoc />
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, int destinationOffset = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Buffer(this, "Upload", nameof(destination), destination, source.Length, destinationOffset);
        if (source.IsEmpty) return;
        Own(destination).Slice(destinationOffset, source.Length).CopyFromCPU(_stream, source);
        // The caller may reuse its memory as soon as this returns.
        _stream.Synchronize();
    }

    /// <inheritdoc />
    public void Download<T>(DeviceBuffer<T> source, int sourceOffset, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ArgumentChecks.Buffer(this, "Download", nameof(source), source, destination.Length, sourceOffset);
        if (destination.IsEmpty)
        {
            _stream.Synchronize();
            return;
        }
        Own(source).Slice(sourceOffset, destination.Length).CopyToCPU(_stream, destination);
        // The copy is queued behind the pending kernels on the same stream; waiting for it waits for them too.
        _stream.Synchronize();
    }

    /// <inheritdoc />
    public void Synchronize()
    {
        ThrowIfDisposed();
        _stream.Synchronize();
    }

    /// <summary>Frees the scratch buffers and the accelerator (and with it every buffer still allocated on it).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var buffer in _scratch.Values) buffer.Dispose();
        _scratch.Clear();
        _arrivals?.Dispose();
        _launchers.Clear();
        _accelerator.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Description}";

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The buffer as this backend's type; ArgumentChecks.Buffer has already checked that it belongs here.</summary>
    private static IlgpuBuffer<T> Own<T>(DeviceBuffer<T> buffer) where T : unmanaged, IFloatingPointIeee754<T> => (IlgpuBuffer<T>)buffer;

    /// <summary>Threads for a grid-stride launch over <paramref name="work"/> items (work ≥ 1).</summary>
    private int Threads(long work) => (int)Math.Min(work, LaunchThreads);

    /// <summary>
    /// The launcher of <paramref name="definition"/> for element type <typeparamref name="T"/> (and operator
    /// <paramref name="operatorType"/>), compiled on first use and cached per instantiation.
    /// <typeparamref name="TLauncher"/> is Action&lt;AcceleratorStream, Index1D or KernelConfig, kernel parameters…&gt;.
    /// </summary>
    private TLauncher Launcher<T, TLauncher>(KernelDefinition definition, Type? operatorType = null)
        where T : unmanaged, IFloatingPointIeee754<T> where TLauncher : Delegate
    {
        ThrowIfDisposed();
        // Every launch site loads its launcher right before its one launch.
        KernelLaunches++;
        _launchesByKernel[definition.Name] = _launchesByKernel.GetValueOrDefault(definition.Name) + 1;
        MethodInfo method = definition.Instantiate(typeof(T), operatorType);
        if (_launchers.TryGetValue(method, out var cached)) return (TLauncher)cached;
        Kernel kernel;
        try
        {
            kernel = definition.IsExplicitlyGrouped ? _accelerator.LoadKernel(method) : _accelerator.LoadAutoGroupedKernel(method);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A failed compilation leaves half-built IR in the context that breaks every later compilation in it
            // (ILGPU 1.5.3); clearing the context's caches drops it, so the other kernels keep working.
            _accelerator.Context.ClearCache(ClearCacheMode.Everything);
            string what = operatorType is null ? $"{definition.Name}<{DTypes.Name<T>()}>" : $"{definition.Name}<{DTypes.Name<T>()}, {Operators.OperatorName.Of(operatorType)}>";
            string hint = exception.ToString().Contains("System.Type", StringComparison.Ordinal)
                ? " GPU code cannot use typeof(T) or the generic-math conversions that test it (T.CreateTruncating, T.CreateChecked, …):"
                  + " build constants from T.One and T.Zero, or pass them in as arguments."
                : "";
            throw new NotSupportedException($"{Name}: kernel {what} could not be compiled for {Description}: {exception.Message}{hint}", exception);
        }
        var launcher = kernel.CreateLauncherDelegate<TLauncher>();
        _launchers.Add(method, launcher);
        return launcher;
    }

    /// <summary>
    /// The split-k arrival counters of <see cref="GemmKernels.FinishSplits{T}"/>, at least <paramref name="length"/>
    /// of them: zeroed when allocated, and left 0 by every product that uses them, so each launch finds them 0.
    /// </summary>
    private ArrayView<int> Arrivals(int length)
    {
        var buffer = AtLeast(_arrivals, length, minimum: 64);
        if (!ReferenceEquals(buffer, _arrivals))
        {
            buffer.MemSetToZero(_stream);
            _arrivals = buffer;
        }
        return buffer.View;
    }

    /// <summary>A scratch buffer of at least <paramref name="length"/> elements, reused across calls (the stream orders its uses).</summary>
    private ArrayView<T> Scratch<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        _scratch.TryGetValue(typeof(T), out var existing);
        var buffer = AtLeast((MemoryBuffer1D<T, Stride1D.Dense>?)existing, length, minimum: 1);
        if (!ReferenceEquals(buffer, existing)) _scratch[typeof(T)] = buffer;
        return buffer.View;
    }

    /// <summary>
    /// <paramref name="existing"/> when it holds at least <paramref name="length"/> elements; otherwise a new buffer of
    /// max(length, <paramref name="minimum"/>), the old one disposed once the stream has finished the kernels that
    /// may still use it.
    /// </summary>
    private MemoryBuffer1D<TElement, Stride1D.Dense> AtLeast<TElement>(MemoryBuffer1D<TElement, Stride1D.Dense>? existing, int length, int minimum)
        where TElement : unmanaged
    {
        if (existing is not null && existing.Length >= length) return existing;
        if (existing is not null)
        {
            _stream.Synchronize();
            existing.Dispose();
        }
        return _accelerator.Allocate1D<TElement>(Math.Max(length, minimum));
    }
}
