using System.Numerics;
using System.Runtime.InteropServices;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Bench.Gemm;

/// <summary>The host backend's GEMM (PackedGemm over a WorkerPool) on 64-byte aligned buffers of T (float or double).</summary>
public sealed unsafe class HostGemmRunner<T> : IGemmRunner where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly WorkerPool _pool;
    private readonly bool _ownsPool;
    private readonly GemmShape _shape;
    private readonly GemmInstructionSet _instructionSet;
    private T* _a, _b, _c;

    /// <summary>Allocates and fills the operands of <paramref name="shape"/>; uses <paramref name="pool"/> or a new pool of <paramref name="threads"/>.</summary>
    public HostGemmRunner(GemmShape shape, int threads, GemmInstructionSet instructionSet = GemmInstructionSet.Auto, WorkerPool? pool = null)
    {
        _shape = shape;
        _instructionSet = instructionSet;
        _ownsPool = pool is null;
        _pool = pool ?? new WorkerPool(threads);
        _a = Allocate((long)shape.M * shape.K, 1);
        _b = Allocate((long)shape.K * shape.N, 2);
        _c = Allocate((long)shape.M * shape.N, 3);
    }

    /// <inheritdoc />
    public string Backend => (_instructionSet == GemmInstructionSet.Auto ? "host" : $"host-{_instructionSet}") + (typeof(T) == typeof(float) ? "" : $"-{typeof(T).Name}");

    /// <inheritdoc />
    public void Run() => PackedGemm.Multiply(_pool, _instructionSet, _shape.TransposeA, _shape.TransposeB,
        _shape.M, _shape.N, _shape.K, T.One, _a, _b, T.Zero, _c);

    private static T* Allocate(long length, int seed)
    {
        var pointer = (T*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(T)), 64);
        var random = new Random(seed);
        for (long i = 0; i < length; i++) pointer[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return pointer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_c);
        _a = _b = _c = null;
        if (_ownsPool) _pool.Dispose();
    }
}
