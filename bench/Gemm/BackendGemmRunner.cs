using ScratchVae.Kernels;

namespace ScratchVae.Bench.Gemm;

/// <summary>
/// GEMM through the IBackend interface of any backend Backends.Create knows ("host", "cuda", "opencl", …): device
/// buffers uploaded once, then Gemm followed by Synchronize, so a device backend's time includes finishing the work.
/// For "host" this measures PackedGemm plus the interface's argument checks.
/// </summary>
public sealed class BackendGemmRunner : IGemmRunner
{
    private readonly IBackend _backend;
    private readonly GemmShape _shape;
    private readonly DeviceBuffer<float> _a, _b, _c;

    /// <summary>Creates the backend and its buffers for <paramref name="shape"/>.</summary>
    public BackendGemmRunner(string backend, GemmShape shape, int threads)
    {
        _shape = shape;
        // Options after the device name, for an ILGPU device: "cuda/no-split-k" turns the tiled GEMM's k-split off, to
        // measure what the split gains; "cuda/tiled64" and "cuda/tiled128" force one tiled kernel instead of the
        // per-shape rule, to compare them on the same GPU ("cuda/tiled64/no-split-k" combines them); "cuda/sum-pass"
        // adds a split product's partial sums in a second launch instead of inside the tiled kernel's one.
        string[] parts = backend.Split('/');
        // A device that is there but cannot be used (no driver, no GPU) is a one-line error, not a stack trace.
        if (Backends.UnusableReason(parts[0]) is { } reason)
            throw new ArgumentException($"--backend {backend}: device '{parts[0]}' is not usable: {reason}");
        _backend = Backends.Create(parts[0], threads);
        foreach (string option in parts.Skip(1))
        {
            if (_backend is not Kernels.Ilgpu.IlgpuBackend ilgpu)
                throw new ArgumentException($"--backend {backend}: '/{option}' applies to ILGPU devices only");
            switch (option)
            {
                case "no-split-k": ilgpu.GemmSplitK = false; break;
                case "tiled64": ilgpu.GemmStrategy = Kernels.Ilgpu.GemmStrategy.Tiled; break;
                case "tiled128": ilgpu.GemmStrategy = Kernels.Ilgpu.GemmStrategy.Tiled128; break;
                case "sum-pass": ilgpu.GemmSumSplitsInKernel = false; break;
                default: throw new ArgumentException($"--backend {backend}: unknown option '/{option}' (no-split-k, tiled64, tiled128, sum-pass)");
            }
        }
        _a = Upload(_backend, shape.M * shape.K, 1);
        _b = Upload(_backend, shape.K * shape.N, 2);
        _c = Upload(_backend, shape.M * shape.N, 3);
    }

    /// <inheritdoc />
    public string Backend => _backend.Name;

    /// <inheritdoc />
    public void Run()
    {
        _backend.Gemm(_shape.TransposeA, _shape.TransposeB, _shape.M, _shape.N, _shape.K, 1f, _a, _b, 0f, _c);
        _backend.Synchronize();
    }

    private static DeviceBuffer<float> Upload(IBackend backend, int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        DeviceBuffer<float> buffer = backend.Allocate<float>(length);
        backend.Upload<float>(values, buffer);
        return buffer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
        _backend.Dispose();
    }
}
