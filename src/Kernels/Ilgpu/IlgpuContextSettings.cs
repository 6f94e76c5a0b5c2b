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
    /// The emulated CPU device: warps of 4 threads, 16 warps per group (64 threads, what
    /// <see cref="GemmKernels.Tiled{T}"/> needs) and one multiprocessor. ILGPU runs each emulated thread of a group
    /// on an OS thread; with 2 cores more of them only add context switches.
    /// </summary>
    public static CPUDevice CpuDevice { get; } = new(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 16, numMultiprocessors: 1);

    /// <summary>
    /// Math and optimisation settings: float math stays float and double math double (<see cref="MathMode.Default"/>),
    /// and ILGPU.Algorithms supplies the transcendental functions (exp, log, tanh, …) that the operators use.
    /// </summary>
    public static Context.Builder Apply(Context.Builder builder) =>
        builder.Math(MathMode.Default).Optimize(OptimizationLevel.O1).EnableAlgorithms();
}
