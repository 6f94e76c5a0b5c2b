namespace ScratchVae.Kernels.Ilgpu;

/// <summary>Which GEMM kernel an <see cref="IlgpuBackend"/> launches.</summary>
public enum GemmStrategy
{
    /// <summary>Tiled on GPUs, per-element on ILGPU's CPU accelerator (where group barriers cost milliseconds).</summary>
    Automatic,
    /// <summary>Always <see cref="GemmKernels.Tiled{T}"/> (used by tests to run the GPU kernel on the CPU accelerator).</summary>
    Tiled,
    /// <summary>Always <see cref="GemmKernels.PerElement{T}"/>.</summary>
    PerElement,
}
