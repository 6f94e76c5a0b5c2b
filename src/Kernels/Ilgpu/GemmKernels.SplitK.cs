using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// The end of a split-k product (see <see cref="GemmArguments{T}.Splits"/>): the k-ranges' partial sums of each block
/// of C added in increasing order of range, either by the last group to finish the block (<see cref="FinishSplits{T}"/>,
/// inside the tiled kernel's one launch) or by a second launch (<see cref="SumSplits{T}"/>). Both add the same numbers in
/// the same order, so C has the same bits either way, and on every run.
/// </summary>
public static partial class GemmKernels
{
    /// <summary>
    /// Called by every thread of a tiled-GEMM group once it has written its k-range's partial sums of block
    /// <paramref name="block"/> (rows from <paramref name="rowStart"/>, columns from <paramref name="columnStart"/>, a
    /// <paramref name="tileSize"/>-square block): the group counts its arrival in arrivals[block], and the group that
    /// arrives last of the block's <see cref="GemmArguments{T}.Splits"/> sets C = alpha · Σ partials + beta · C for the
    /// block, the ranges in increasing order (the sum <see cref="SumSplits{T}"/> computes), then sets arrivals[block]
    /// back to 0 for the next product. Which group is last depends on timing; what it adds, and in what order, does not.
    /// <para>
    /// Visibility: each thread's fence after its partial stores, the barrier, then one atomic add by the group's first
    /// thread (release); the last group sees the count reach splits − 1 and fences again before it reads the other
    /// groups' partials (acquire). The counters must be 0 before the launch (the backend zeroes them when it
    /// allocates them, and every product leaves them 0).
    /// </para>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FinishSplits<T>(ArrayView<T> partials, ArrayView<T> c, ArrayView<int> arrivals, ArrayView<int> arrival,
        int block, int rowStart, int columnStart, int tileSize, GemmArguments<T> arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int thread = Group.IdxX;
        MemoryFence.DeviceLevel();
        Group.Barrier();
        if (thread == 0) arrival[0] = Atomic.Add(ref arrivals[block], 1);
        Group.Barrier();
        if (arrival[0] != arguments.Splits - 1) return;
        MemoryFence.DeviceLevel();

        // Consecutive threads take consecutive columns, so each row's reads and writes coalesce.
        long count = (long)arguments.M * arguments.N;
        for (int element = thread; element < tileSize * tileSize; element += Group.DimX)
        {
            int row = rowStart + element / tileSize, column = columnStart + element % tileSize;
            if (row < arguments.M && column < arguments.N)
                FinishElement(partials, c, (long)row * arguments.N + column, count, arguments);
        }
        if (thread == 0) arrivals[block] = 0;
    }

    /// <summary>
    /// Finishes a split-k product in a second launch: C[i] = alpha · (partials[0 · m·n + i] + partials[1 · m·n + i] + …)
    /// + beta · C[i], the k-ranges added in increasing order (grid-stride over the m · n outputs; C is not read when
    /// beta = 0). Used when the backend's <see cref="IlgpuBackend.GemmSumSplitsInKernel"/> is off, to measure what the
    /// in-kernel sum saves.
    /// </summary>
    public static void SumSplits<T>(Index1D thread, ArrayView<T> partials, ArrayView<T> c, GemmArguments<T> arguments, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = (long)arguments.M * arguments.N;
        for (long index = thread; index < count; index += stride)
            FinishElement(partials, c, index, count, arguments);
    }

    /// <summary>C[index] = alpha · Σₛ partials[s · count + index] + beta · C[index], s increasing; C unread when beta = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishElement<T>(ArrayView<T> partials, ArrayView<T> c, long index, long count, GemmArguments<T> arguments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = partials[index];
        for (int split = 1; split < arguments.Splits; split++) sum += partials[split * count + index];
        T product = arguments.Alpha * sum;
        c[index] = arguments.Beta == T.Zero ? product : product + arguments.Beta * c[index];
    }
}
