using ScratchVae.Kernels;

namespace ScratchVae.Tensors;

/// <summary>
/// Where tensors live and run: a backend plus its buffer pool. Users pick one by name —
/// "host", "cuda", "opencl", "ilgpu-cpu" or "auto" (the best usable). Devices are shared: asking twice for
/// the same name and thread count returns the same instance. Moving data between devices is always explicit
/// (<see cref="Tensor{T}.To"/>).
/// </summary>
public sealed class Device
{
    private static readonly Dictionary<(string Name, int? Threads), Device> Opened = new();
    private static readonly object Gate = new();

    private Device(IBackend backend)
    {
        Backend = backend;
        Pool = new BufferPool(backend);
    }

    /// <summary>The device name ("host", "cuda", …).</summary>
    public string Name => Backend.Name;

    /// <summary>The hardware description.</summary>
    public string Description => Backend.Description;

    /// <summary>The primitives of this device.</summary>
    public IBackend Backend { get; }

    /// <summary>The recycled buffers of this device and its allocation counters.</summary>
    public BufferPool Pool { get; }

    // Per element type, a Dictionary<(T Value, bool Negative), DeviceBuffer<T>>: a value-tuple key of T, so that a
    // lookup allocates nothing (a training step must not; TrainingAllocationTests).
    private readonly Dictionary<Type, object> _constants = new();

    /// <summary>
    /// A one-element buffer holding <paramref name="value"/>, filled once and kept for the device's life, for the
    /// constants operations broadcast (the −½ Z of the KL term, a 1 to subtract): a fresh buffer filled per use
    /// costs a launch each time on a GPU. Read-only by contract: a primitive must never write into it. +0 and −0
    /// are different constants.
    /// </summary>
    public DeviceBuffer<T> Constant<T>(T value) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        lock (_constants)
        {
            if (!_constants.TryGetValue(typeof(T), out var table))
                _constants[typeof(T)] = table = new Dictionary<(T Value, bool Negative), DeviceBuffer<T>>();
            var constants = (Dictionary<(T Value, bool Negative), DeviceBuffer<T>>)table;
            var key = (value, T.IsNegative(value));
            if (constants.TryGetValue(key, out var existing)) return existing;
            var buffer = Backend.Allocate<T>(1);
            Backend.Fill(buffer, 0, 1, value);
            constants[key] = buffer;
            return buffer;
        }
    }

    /// <summary>The host device with one thread per core.</summary>
    public static Device Host => Open("host");

    /// <summary>
    /// The device called <paramref name="name"/>, created on first use. <paramref name="threads"/> sets the host
    /// backend's thread count. Throws <see cref="ArgumentException"/> for an unknown name and
    /// <see cref="InvalidOperationException"/> (with the reason) for an absent or unusable device.
    /// </summary>
    public static Device Open(string name, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        lock (Gate)
        {
            if (Opened.TryGetValue((key, threads), out var device)) return device;
            var backend = Backends.Create(key, threads);
            // "auto" resolves to a concrete device; share it with requests by its real name.
            if (Opened.TryGetValue((backend.Name, threads), out var existing))
            {
                backend.Dispose();
                Opened[(key, threads)] = existing;
                return existing;
            }
            device = new Device(backend);
            Opened[(key, threads)] = device;
            Opened[(backend.Name, threads)] = device;
            return device;
        }
    }

    /// <summary>
    /// A new device over <paramref name="backend"/> with its own pool, not shared by name (for a backend wrapped in
    /// instrumentation, or one built by hand). The caller keeps ownership of the backend.
    /// </summary>
    public static Device Create(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return new Device(backend);
    }

    /// <summary>Every device the engine can see, usable or not, with the reason.</summary>
    public static IReadOnlyList<DeviceInfo> List() => Backends.List();

    /// <summary>Waits for all work queued on this device.</summary>
    public void Synchronize() => Backend.Synchronize();

    /// <inheritdoc />
    public override string ToString() => Name;
}
