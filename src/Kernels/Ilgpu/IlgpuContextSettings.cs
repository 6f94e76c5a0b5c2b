using ILGPU;
using ILGPU.Runtime.CPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// How every ILGPU context of the engine is configured, shared by the backend and the compilation tests so that the
/// tests compile kernels exactly as devices do.
/// </summary>
public static class IlgpuContextSettings
{
    /// <summary>
    /// The emulated CPU device: warps of 4 threads, 64 warps per group (256 threads, what
    /// <see cref="GemmKernels.Tiled128{T}"/> needs) and one multiprocessor. ILGPU runs each emulated thread of a group
    /// on an OS thread, started the first time a group that large is launched; with 2 cores more of them only add
    /// context switches, and only the tests that run the tiled GEMM kernels launch groups of more than one thread.
    /// </summary>
    public static CPUDevice CpuDevice { get; } = new(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 64, numMultiprocessors: 1);

    /// <summary>
    /// Math and optimisation settings: float math stays float and double math double (<see cref="MathMode.Default"/>),
    /// and ILGPU.Algorithms supplies the transcendental functions (exp, log, tanh, …) that the operators use.
    /// </summary>
    public static Context.Builder Apply(Context.Builder builder) =>
        builder.Math(MathMode.Default).Optimize(OptimizationLevel.O1).EnableAlgorithms();
}
