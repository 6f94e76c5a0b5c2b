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
        // "cuda/no-split-k": the same device with the tiled GEMM's k-split turned off, to measure what the split gains.
        bool noSplit = backend.EndsWith("/no-split-k", StringComparison.Ordinal);
        _backend = Backends.Create(noSplit ? backend[..^"/no-split-k".Length] : backend, threads);
        if (noSplit && _backend is Kernels.Ilgpu.IlgpuBackend ilgpu) ilgpu.GemmSplitK = false;
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
