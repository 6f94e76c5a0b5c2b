namespace ScratchVae.Bench.Gemm;

/// <summary>Creates the GEMM runner for a backend name, the names Backends.Create takes.</summary>
public static class GemmRunners
{
    /// <summary>The backends the GEMM benchmarks can run today.</summary>
    public static readonly string[] Available = ["host"];

    /// <summary>A runner for <paramref name="backend"/> on <paramref name="shape"/> with <paramref name="threads"/> host threads.</summary>
    public static IGemmRunner Create(string backend, GemmShape shape, int threads) => backend switch
    {
        "host" => new HostGemmRunner<float>(shape, threads),
        // Device backends plug in here through Backends.Create(name) once they exist.
        _ => throw new NotSupportedException($"No GEMM runner for backend '{backend}' yet; available: {string.Join(", ", Available)}."),
    };
}
