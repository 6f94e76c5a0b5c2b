namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// Which micro-kernel family <see cref="PackedGemm"/> runs. <see cref="Auto"/> picks the widest one the processor
/// accelerates; the others exist so tests can exercise every code path on any machine (a Vector512 kernel still
/// computes correctly where Vector512 is emulated in software, only slowly) and benchmarks can compare them.
/// </summary>
public enum GemmInstructionSet
{
    /// <summary>Vector512 when hardware accelerated, else Vector256 with FMA, else scalar.</summary>
    Auto,

    /// <summary>Vector512 FMA micro-kernels (float 8 × 32, double 16 × 8 tiles).</summary>
    Vector512,

    /// <summary>Vector256 FMA micro-kernels (float 6 × 16, double 6 × 8 tiles).</summary>
    Vector256,

    /// <summary>Plain scalar micro-kernel (4 × 4 tile); the fallback for processors without wide vectors and for other element types.</summary>
    Scalar,
}
