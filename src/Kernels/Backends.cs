namespace ScratchVae.Kernels;

/// <summary>What <see cref="Backends.List"/> reports about one device.</summary>
/// <param name="Name">The name to pass to <see cref="Backends.Create"/>: "host", "cuda", "opencl", "ilgpu-cpu" (with ":N" for a second device of a kind).</param>
/// <param name="Type">"host", "cuda", "opencl" or "ilgpu-cpu".</param>
/// <param name="Description">The hardware's name.</param>
/// <param name="MemoryBytes">Device memory, or host RAM for host devices.</param>
/// <param name="Usable">True when <see cref="Backends.Create"/> will succeed.</param>
/// <param name="Reason">Why it is not usable (empty when usable).</param>
public sealed record DeviceInfo(string Name, string Type, string Description, long MemoryBytes, bool Usable, string Reason);

/// <summary>Finds and creates backends by name.</summary>
public static class Backends
{
    /// <summary>Every device ScratchVae can see — usable or not, with the reason — host first.</summary>
    public static IReadOnlyList<DeviceInfo> List() => throw new NotImplementedException("Backends.List is being written.");

    /// <summary>
    /// Creates the backend for <paramref name="name"/> ("host", "cuda", "opencl", "ilgpu-cpu", or "auto" = the best usable:
    /// cuda, then opencl, then host). <paramref name="threads"/> sets the host backend's threads (default: all cores).
    /// Throws <see cref="ArgumentException"/> for an unknown name and <see cref="InvalidOperationException"/> naming the
    /// reason for a device that is absent or unusable.
    /// </summary>
    public static IBackend Create(string name, int? threads = null) => throw new NotImplementedException("Backends.Create is being written.");
}
