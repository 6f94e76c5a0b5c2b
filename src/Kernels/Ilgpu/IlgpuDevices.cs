using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Finds the devices ILGPU can drive (CUDA GPUs, OpenCL devices, and its CPU accelerator) and creates backends on them.
/// Discovery runs once, lazily, in one process-wide ILGPU context; it never throws: a driver that is missing or a device
/// ILGPU cannot use is reported as unusable with the reason.
/// </summary>
public static class IlgpuDevices
{
    private static readonly Lazy<Discovery> Shared = new(Discover, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every ILGPU device, usable or not: CUDA, then OpenCL, then the CPU accelerator ("ilgpu-cpu").</summary>
    public static IReadOnlyList<DeviceInfo> List() => Shared.Value.Entries.Select(entry => entry.Info).ToArray();

    /// <summary>
    /// Creates a backend on the device named <paramref name="name"/> ("cuda", "cuda:1", "opencl", "ilgpu-cpu", …).
    /// Throws <see cref="InvalidOperationException"/> with the reason when the device is absent or unusable.
    /// </summary>
    public static IlgpuBackend Create(string name)
    {
        var discovery = Shared.Value;
        DeviceInfo? chosen = Resolve(name, discovery.Entries.Select(candidate => candidate.Info).ToArray());
        var entry = discovery.Entries.FirstOrDefault(candidate => candidate.Info == chosen);
        if (entry is null)
        {
            string kind = name.Split(':')[0];
            int count = discovery.Entries.Count(candidate => candidate.Info.Type == kind && candidate.Device is not null);
            throw new InvalidOperationException($"Device '{name}' does not exist: {count} {kind} device(s) found.");
        }
        if (!entry.Info.Usable || entry.Device is null || discovery.Context is null)
            throw new InvalidOperationException($"Device '{name}' is not usable: {entry.Info.Reason}");
        Accelerator accelerator;
        try
        {
            accelerator = entry.Device is CPUDevice cpu
                ? cpu.CreateCPUAccelerator(discovery.Context, CPUAcceleratorMode.Parallel)
                : entry.Device.CreateAccelerator(discovery.Context);
        }
        catch (Exception exception) when (exception is CapabilityNotSupportedException or NotSupportedException or InvalidOperationException
                                          or CudaException or CLException or DllNotFoundException)
        {
            throw new InvalidOperationException($"Device '{name}' ({entry.Info.Description}) could not be opened: {exception.Message}", exception);
        }
        return new IlgpuBackend(accelerator, entry.Info.Name, entry.Info.Description);
    }

    /// <summary>
    /// The device that <paramref name="name"/> stands for among <paramref name="devices"/>: the one listed under that
    /// name, except that a bare kind ("cuda", "opencl") whose first device is unusable stands for the first usable
    /// device of that kind (a machine whose first OpenCL platform lacks what ILGPU needs may have a second that has it;
    /// the backend then carries that device's own name, e.g. "opencl:1"). Null when no device has the name.
    /// </summary>
    public static DeviceInfo? Resolve(string name, IReadOnlyList<DeviceInfo> devices)
    {
        DeviceInfo? listed = devices.FirstOrDefault(device => device.Name == name);
        if (listed is { Usable: false } && name is "cuda" or "opencl")
            return devices.FirstOrDefault(device => device.Type == name && device.Usable) ?? listed;
        return listed;
    }

    private sealed record Entry(DeviceInfo Info, Device? Device);

    private sealed record Discovery(Context? Context, IReadOnlyList<Entry> Entries);

    private static Discovery Discover()
    {
        var builder = Context.Create();
        // Each driver is probed on its own so that a broken one does not hide the others. The predicates accept every
        // device, compatible or not, so that unusable ones can be listed with the reason.
        string? cudaProblem = Probe(() => builder.Cuda(_ => true));
        string? openClProblem = Probe(() => builder.OpenCL(_ => true));
        builder.CPU(IlgpuContextSettings.CpuDevice);
        Context? context = null;
        string? contextProblem = Probe(() => context = IlgpuContextSettings.Apply(builder).ToContext());

        var entries = new List<Entry>();
        long hostMemory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (context is null)
        {
            string reason = $"the ILGPU context could not be created: {contextProblem}";
            entries.Add(new Entry(new DeviceInfo("cuda", "cuda", "CUDA", 0, false, reason), null));
            entries.Add(new Entry(new DeviceInfo("opencl", "opencl", "OpenCL", 0, false, reason), null));
            entries.Add(new Entry(new DeviceInfo("ilgpu-cpu", "ilgpu-cpu", "ILGPU CPU accelerator", hostMemory, false, reason), null));
            return new Discovery(null, entries);
        }

        var cudaDevices = Collect<CudaDevice>(context.GetCudaDevices());
        for (int index = 0; index < cudaDevices.Count; index++)
            entries.Add(new Entry(DescribeCuda(cudaDevices[index], Numbered("cuda", index)), cudaDevices[index]));
        if (cudaDevices.Count == 0)
            entries.Add(new Entry(new DeviceInfo("cuda", "cuda", "CUDA", 0, false,
                "no CUDA device found" + (cudaProblem is null ? " (no NVIDIA driver or GPU visible)" : $": {cudaProblem}")), null));

        var openClDevices = Collect<CLDevice>(context.GetCLDevices());
        for (int index = 0; index < openClDevices.Count; index++)
            entries.Add(new Entry(DescribeOpenCl(openClDevices[index], Numbered("opencl", index)), openClDevices[index]));
        if (openClDevices.Count == 0)
            entries.Add(new Entry(new DeviceInfo("opencl", "opencl", "OpenCL", 0, false,
                "no OpenCL device found" + (openClProblem is null ? " (no OpenCL platform installed)" : $": {openClProblem}")), null));

        var cpu = Collect<CPUDevice>(context.GetCPUDevices())[0];
        entries.Add(new Entry(new DeviceInfo("ilgpu-cpu", "ilgpu-cpu",
            $"ILGPU CPU accelerator (a GPU emulator for tests: {cpu.WarpSize}-thread warps, {cpu.MaxNumThreadsPerGroup} threads per group)",
            hostMemory, true, ""), cpu));
        return new Discovery(context, entries);
    }

    private static List<TDevice> Collect<TDevice>(Context.DeviceCollection<TDevice> devices) where TDevice : Device
    {
        var list = new List<TDevice>();
        foreach (var device in devices) list.Add(device);
        return list;
    }

    private static string Numbered(string kind, int index) => index == 0 ? kind : $"{kind}:{index}";

    private static DeviceInfo DescribeCuda(CudaDevice device, string name)
    {
        string architecture = device.Architecture?.ToString() ?? "unknown architecture";
        string description = $"{device.Name} ({device.MemorySize / (1L << 30)} GiB, {architecture})";
        // The same test ILGPU's own Cuda() builder applies to keep only compatible devices.
        bool usable = device.Architecture.HasValue && device.InstructionSet.HasValue
            && PTXCodeGenerator.SupportedInstructionSets.Contains(device.InstructionSet.Value);
        string reason = usable ? "" : device.Architecture.HasValue && device.InstructionSet.HasValue
            ? $"the driver's PTX instruction set {device.InstructionSet} is not supported by ILGPU; update ILGPU or the driver"
            : "ILGPU does not know this GPU's architecture or the driver's PTX version; update ILGPU or the driver";
        return new DeviceInfo(name, "cuda", description, device.MemorySize, usable, reason);
    }

    private static DeviceInfo DescribeOpenCl(CLDevice device, string name)
    {
        string description = $"{device.Name} ({device.PlatformName}, OpenCL C {device.CLStdVersion}{(device.Capabilities.Float64 ? "" : ", no float64")})";
        // ILGPU's OpenCL code needs OpenCL C 2.0 with the generic address space (the same test its OpenCL() builder applies).
        var problems = new List<string>();
        if (device.CLStdVersion < CLBackend.MinimumVersion)
            problems.Add($"OpenCL C {device.CLStdVersion} is older than the {CLBackend.MinimumVersion} ILGPU needs");
        if (!device.Capabilities.GenericAddressSpace)
            problems.Add("the device lacks the generic address space ILGPU's OpenCL code needs");
        return new DeviceInfo(name, "opencl", description, device.MemorySize, problems.Count == 0, string.Join("; ", problems));
    }

    private static string? Probe(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception exception)
        {
            // Discovery must never fail: a broken driver is reported as the reason its devices are unusable.
            return $"{exception.GetType().Name}: {exception.Message}";
        }
    }
}
