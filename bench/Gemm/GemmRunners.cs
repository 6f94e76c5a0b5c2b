using ScratchVae.Kernels;

namespace ScratchVae.Bench.Gemm;

/// <summary>Creates the GEMM runner for a backend name, the names Backends.Create takes.</summary>
public static class GemmRunners
{
    /// <summary>
    /// The backends the GEMM benchmarks run by default: the host GEMM, and every usable CUDA or OpenCL device.
    /// (ILGPU's CPU accelerator is an emulator for tests, far too slow to benchmark, so it runs only when named.)
    /// </summary>
    public static IEnumerable<string> Available()
    {
        yield return "host";
        foreach (DeviceInfo device in Backends.List())
            if (device.Usable && device.Type is "cuda" or "opencl") yield return device.Name;
    }

    /// <summary>
    /// A runner for <paramref name="backend"/> on <paramref name="shape"/> with <paramref name="threads"/> host threads:
    /// "host" calls PackedGemm directly; any other name goes through Backends.Create and IBackend.Gemm
    /// ("host-backend" is the host backend through that interface).
    /// </summary>
    public static IGemmRunner Create(string backend, GemmShape shape, int threads) => backend switch
    {
        "host" => new HostGemmRunner<float>(shape, threads),
        "host-backend" => new BackendGemmRunner("host", shape, threads),
        _ => new BackendGemmRunner(backend, shape, threads),
    };
}
