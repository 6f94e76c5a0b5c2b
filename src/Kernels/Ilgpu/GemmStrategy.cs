namespace ScratchVae.Kernels.Ilgpu;

/// <summary>Which GEMM kernel an <see cref="IlgpuBackend"/> launches.</summary>
public enum GemmStrategy
{
    /// <summary>
    /// On GPUs, the tiled kernel <see cref="IlgpuBackend.ChooseTiledGemm"/> picks for the shape (64 × 64 or 128 × 128
    /// blocks); per-element on ILGPU's CPU accelerator (where group barriers cost milliseconds).
    /// </summary>
    Automatic,
    /// <summary>
    /// Always <see cref="GemmKernels.Tiled{T}"/>, the 64 × 64 kernel (with its k-split): the previous default, kept so
    /// that benchmarks can compare it with <see cref="Tiled128"/> on the same GPU, and for tests on the CPU accelerator.
    /// </summary>
    Tiled,
    /// <summary>Always <see cref="GemmKernels.Tiled128{T}"/>, the 128 × 128 kernel (with its k-split).</summary>
    Tiled128,
    /// <summary>Always <see cref="GemmKernels.PerElement{T}"/>.</summary>
    PerElement,
}
