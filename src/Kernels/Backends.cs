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
    /// <remarks>ILGPU discovery runs once per process and never throws; later calls are cheap.</remarks>
    public static IReadOnlyList<DeviceInfo> List()
    {
        var devices = new List<DeviceInfo> { DescribeHost() };
        devices.AddRange(Ilgpu.IlgpuDevices.List());
        return devices;
    }

    /// <summary>
    /// Creates the backend for <paramref name="name"/> ("host", "cuda", "opencl", "ilgpu-cpu", or "auto" = the best usable:
    /// cuda, then opencl, then host). <paramref name="threads"/> sets the host backend's threads (default: all cores).
    /// Throws <see cref="ArgumentException"/> for an unknown name and <see cref="InvalidOperationException"/> naming the
    /// reason for a device that is absent or unusable.
    /// </summary>
    public static IBackend Create(string name, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = Key(name);
        switch (key)
        {
            case "host":
                return new Host.HostBackend(threads ?? Environment.ProcessorCount);
            case "auto":
                foreach (string kind in new[] { "cuda", "opencl" })
                {
                    var best = Ilgpu.IlgpuDevices.List().FirstOrDefault(device => device.Type == kind && device.Usable);
                    if (best is not null) return Ilgpu.IlgpuDevices.Create(best.Name);
                }
                return new Host.HostBackend(threads ?? Environment.ProcessorCount);
        }
        if (!IsIlgpuName(key))
            throw new ArgumentException($"Unknown device '{name}'. Known devices: host, auto, {string.Join(", ", List().Skip(1).Select(device => device.Name))} (a second device of a kind is e.g. 'cuda:1').");
        return Ilgpu.IlgpuDevices.Create(key);
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be used when it names a listed device that is not usable (no driver, no GPU);
    /// null when it is usable or not a listed device (<see cref="Create"/> then says what is wrong). For the command
    /// lines, which refuse such a device in one line before doing anything.
    /// </summary>
    public static string? UnusableReason(string name)
    {
        string key = Key(name);
        return List().FirstOrDefault(device => device.Name == key) is { Usable: false } device ? device.Reason : null;
    }

    // The name as listed: trimmed, lower case, and "cuda:0" (the first CUDA device) as "cuda".
    private static string Key(string name)
    {
        string key = name.Trim().ToLowerInvariant();
        return key.EndsWith(":0", StringComparison.Ordinal) ? key[..^2] : key;
    }

    /// <summary>"cuda", "opencl", "ilgpu-cpu", or one of the first two followed by ":N".</summary>
    private static bool IsIlgpuName(string key)
    {
        if (key == "ilgpu-cpu" || key == "cuda" || key == "opencl") return true;
        int colon = key.IndexOf(':');
        return colon > 0 && key[..colon] is "cuda" or "opencl" && int.TryParse(key[(colon + 1)..], out int index) && index >= 0;
    }

    private static DeviceInfo DescribeHost()
    {
        int threads = Environment.ProcessorCount;
        int simdBits = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? 128 : 0;
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        string simd = simdBits == 0 ? "scalar" : $"{simdBits}-bit SIMD";
        return new DeviceInfo("host", "host", $"host: {threads} thread{(threads == 1 ? "" : "s")}, {simd}, {memory / (1L << 30)} GiB RAM", memory, true, "");
    }
}
