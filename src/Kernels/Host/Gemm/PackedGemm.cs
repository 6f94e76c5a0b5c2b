using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// Host GEMM: C = alpha · op(A) · op(B) + beta · C over contiguous row-major matrices (see IBackend.Gemm).
/// Multi-threaded over the worker pool, cache-blocked, with packed panels and register-tiled FMA micro-kernels:
/// Vector512 where the processor accelerates it, else Vector256 with FMA, else scalar. float and double get
/// vector kernels; any other element type runs the scalar kernel. The structure (loop nest, block sizes, how
/// the work is split between threads) is described in <see cref="BlockedGemm{T, TKernel}"/> and
/// <see cref="GemmPlan"/>; the measurements behind it are in docs/perf-notes.md.
/// </summary>
public static unsafe class PackedGemm
{
    /// <summary>
    /// Computes the GEMM with the pool's threads and the best instruction set of this processor. Arguments were
    /// validated by the caller: m, n, k ≥ 1 and the buffers hold m·k, k·n and m·n elements. When beta is 0, C is
    /// not read.
    /// </summary>
    public static void Multiply<T>(WorkerPool pool, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c) where T : unmanaged, IFloatingPointIeee754<T>
        => Multiply(pool, GemmInstructionSet.Auto, transposeA, transposeB, m, n, k, alpha, a, b, beta, c);

    /// <summary>
    /// As <see cref="Multiply{T}(WorkerPool, bool, bool, int, int, int, T, T*, T*, T, T*)"/>, with the micro-kernel
    /// family chosen by the caller. A family the processor does not accelerate still gives correct results.
    /// </summary>
    public static void Multiply<T>(WorkerPool pool, GemmInstructionSet instructionSet, bool transposeA, bool transposeB,
        int m, int n, int k, T alpha, T* a, T* b, T beta, T* c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (m <= 0 || n <= 0) return;
        GemmInstructionSet resolved = Resolve(instructionSet);
        if (typeof(T) == typeof(float))
        {
            float fa = Unsafe.BitCast<T, float>(alpha), fb = Unsafe.BitCast<T, float>(beta);
            float* pa = (float*)a, pb = (float*)b, pc = (float*)c;
            switch (resolved)
            {
                case GemmInstructionSet.Vector512:
                    BlockedGemm<float, FloatKernel512>.Multiply(pool, transposeA, transposeB, m, n, k, fa, pa, pb, fb, pc);
                    return;
                case GemmInstructionSet.Vector256:
                    BlockedGemm<float, Kernel256<float>>.Multiply(pool, transposeA, transposeB, m, n, k, fa, pa, pb, fb, pc);
                    return;
            }
        }
        else if (typeof(T) == typeof(double))
        {
            double da = Unsafe.BitCast<T, double>(alpha), db = Unsafe.BitCast<T, double>(beta);
            double* pa = (double*)a, pb = (double*)b, pc = (double*)c;
            switch (resolved)
            {
                case GemmInstructionSet.Vector512:
                    BlockedGemm<double, DoubleKernel512>.Multiply(pool, transposeA, transposeB, m, n, k, da, pa, pb, db, pc);
                    return;
                case GemmInstructionSet.Vector256:
                    BlockedGemm<double, Kernel256<double>>.Multiply(pool, transposeA, transposeB, m, n, k, da, pa, pb, db, pc);
                    return;
            }
        }
        BlockedGemm<T, ScalarKernel<T>>.Multiply(pool, transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
    }

    /// <summary>
    /// Describes how a float GEMM of this shape would be split and blocked on <paramref name="threads"/> threads
    /// (for benchmark reports and tuning).
    /// </summary>
    public static string DescribePlan(GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k, int threads)
        => DescribePlan<float>(instructionSet, transposeA, transposeB, m, n, k, threads);

    /// <summary>As <see cref="DescribePlan(GemmInstructionSet, bool, bool, int, int, int, int)"/>, for elements of type T.</summary>
    public static string DescribePlan<T>(GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return FloatPlans.Model(instructionSet, transposeA, transposeB, m, n, k, threads).ToString();
        GemmInstructionSet resolved = Resolve(instructionSet);
        if (typeof(T) == typeof(double))
        {
            if (resolved == GemmInstructionSet.Vector512) return BlockedGemm<double, DoubleKernel512>.Plan(transposeA, transposeB, m, n, k, threads).ToString();
            if (resolved == GemmInstructionSet.Vector256) return BlockedGemm<double, Kernel256<double>>.Plan(transposeA, transposeB, m, n, k, threads).ToString();
        }
        return BlockedGemm<T, ScalarKernel<T>>.Plan(transposeA, transposeB, m, n, k, threads).ToString();
    }

    /// <summary>
    /// The float planner's inputs for an instruction set, and ways to build and run plans other than the one it
    /// picks: for bench's gemm-plans, which times them against each other in one process.
    /// </summary>
    internal static class FloatPlans
    {
        /// <summary>The model's plan (<see cref="GemmPlan.Create"/>).</summary>
        public static GemmPlan Model(GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k, int threads)
            => Resolve(instructionSet) switch
            {
                GemmInstructionSet.Vector512 => BlockedGemm<float, FloatKernel512>.Plan(transposeA, transposeB, m, n, k, threads),
                GemmInstructionSet.Vector256 => BlockedGemm<float, Kernel256<float>>.Plan(transposeA, transposeB, m, n, k, threads),
                _ => BlockedGemm<float, ScalarKernel<float>>.Plan(transposeA, transposeB, m, n, k, threads),
            };

        /// <summary>
        /// A rows × columns grid with the model's block sizes (null when not a distinct grid); <paramref name="packB"/>
        /// overrides packing B, and <paramref name="halfTileColumns"/> whether parts may end on half tiles (for large
        /// enough parts; see <see cref="GemmCostModel.HalfTileColumnSplits"/>) whatever the cost model says.
        /// </summary>
        public static GemmPlan? Grid(GemmInstructionSet instructionSet, bool transposeA, bool transposeB, int m, int n, int k, int threads,
            int rowParts, int columnParts, bool? packB, bool? halfTileColumns = null)
        {
            GemmKernelTraits kernel = Traits(instructionSet);
            if (halfTileColumns is { } half) kernel = kernel with { Model = kernel.Model with { HalfTileColumnSplits = half } };
            return GemmPlan.ForGrid(m, n, k, transposeA, transposeB, threads, kernel, rowParts, columnParts, packB);
        }

        /// <summary>MR, the rows of the register tile of the instruction set's float kernel.</summary>
        public static int TileRows(GemmInstructionSet instructionSet) => Traits(instructionSet).TileRows;

        /// <summary>The shared-B plan (<see cref="GemmPlan.SharedB"/>) for the shape.</summary>
        public static GemmPlan SharedB(GemmInstructionSet instructionSet, int m, int n, int k, int threads)
        {
            return GemmPlan.ForSharedB(m, n, k, threads, Traits(instructionSet));
        }

        /// <summary>Runs C = op(A) · op(B) (alpha 1, beta 0) with <paramref name="plan"/> (a C-transposed plan computes Cᵀ = op(B)ᵀ · op(A)ᵀ).</summary>
        public static void Run(WorkerPool pool, GemmInstructionSet instructionSet, in GemmPlan plan, bool transposeA, bool transposeB,
            int m, int n, int k, float* a, float* b, float* c)
        {
            switch (Resolve(instructionSet))
            {
                case GemmInstructionSet.Vector512: BlockedGemm<float, FloatKernel512>.Run(pool, plan, transposeA, transposeB, m, n, k, 1f, a, b, 0f, c); break;
                case GemmInstructionSet.Vector256: BlockedGemm<float, Kernel256<float>>.Run(pool, plan, transposeA, transposeB, m, n, k, 1f, a, b, 0f, c); break;
                default: BlockedGemm<float, ScalarKernel<float>>.Run(pool, plan, transposeA, transposeB, m, n, k, 1f, a, b, 0f, c); break;
            }
        }

        private static GemmKernelTraits Traits(GemmInstructionSet instructionSet)
            => Resolve(instructionSet) switch
            {
                GemmInstructionSet.Vector512 => BlockedGemm<float, FloatKernel512>.Traits,
                GemmInstructionSet.Vector256 => BlockedGemm<float, Kernel256<float>>.Traits,
                _ => BlockedGemm<float, ScalarKernel<float>>.Traits,
            };
    }

    /// <summary>The instruction set <see cref="GemmInstructionSet.Auto"/> resolves to on this processor.</summary>
    public static GemmInstructionSet Preferred { get; } = Vector512.IsHardwareAccelerated ? GemmInstructionSet.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmInstructionSet.Vector256
        : GemmInstructionSet.Scalar;

    private static GemmInstructionSet Resolve(GemmInstructionSet requested)
        => requested == GemmInstructionSet.Auto ? Preferred : requested;
}
