using System.Numerics;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The arguments of one GEMM, held where the worker pool's threads can read them, with a delegate created once:
/// a fork/join then allocates nothing. Each calling thread has its own (GEMMs on one thread do not nest).
/// </summary>
internal sealed unsafe class GemmJob<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IMicroKernel<T>
{
    [ThreadStatic] private static GemmJob<T, TKernel>? s_current;

    private GemmPlan _plan;
    private bool _transposeA, _transposeB;
    private int _m, _n, _k;
    private T _alpha, _beta;
    private T* _a, _b, _c;

    // Shared-B plans: the block of B all threads read, and four counters per stage (see RunShared).
    private T* _sharedB;
    private int[] _stageCounters = [];

    // Claimed plans: each part's range of column slivers or row slices still to compute (see BlockedGemm.RunClaimed).
    private long[] _ranges = [];

    private GemmJob()
    {
        Body = RunPart;
        SharedBody = RunShared;
        ClaimedBody = RunClaimed;
        ClaimedRowsBody = RunClaimedRows;
    }

    /// <summary>RunClaimedRows as a cached delegate: one call per part.</summary>
    public Action<int> ClaimedRowsBody { get; }

    /// <summary>Computes part <paramref name="index"/>'s row slices, then takes over the others' remaining ones.</summary>
    public void RunClaimedRows(int index)
        => BlockedGemm<T, TKernel>.RunClaimedRows(_plan, _transposeA, _transposeB, _m, _n, _k, _alpha, _a, _b, _beta, _c, _ranges, index);

    /// <summary>RunClaimed as a cached delegate: one call per thread of the pool.</summary>
    public Action<int> ClaimedBody { get; }

    /// <summary>Prepares a claimed run of <paramref name="parts"/> parts over <paramref name="count"/> slivers or slices.</summary>
    public void SetClaims(int parts, int count)
    {
        if (_ranges.Length != parts) _ranges = new long[parts];
        BlockedGemm<T, TKernel>.SetRanges(_ranges, count);
    }

    /// <summary>Computes part <paramref name="index"/>'s slivers, then takes over the others' remaining ones.</summary>
    public void RunClaimed(int index)
        => BlockedGemm<T, TKernel>.RunClaimed(_plan, _transposeA, _transposeB, _m, _n, _k, _alpha, _a, _b, _beta, _c, _ranges, index);

    /// <summary>RunPart as a cached delegate for <see cref="Parallel.WorkerPool.For"/>.</summary>
    public Action<int> Body { get; }

    /// <summary>RunShared as a cached delegate: one call per thread of the pool.</summary>
    public Action<int> SharedBody { get; }

    /// <summary>The calling thread's job object.</summary>
    public static GemmJob<T, TKernel> ForCurrentThread() => s_current ??= new GemmJob<T, TKernel>();

    /// <summary>Stores the arguments of the next run.</summary>
    public void Set(in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k, T alpha, T* a, T* b, T beta, T* c)
    {
        _plan = plan;
        (_transposeA, _transposeB, _m, _n, _k) = (transposeA, transposeB, m, n, k);
        (_alpha, _beta) = (alpha, beta);
        _a = a;
        _b = b;
        _c = c;
    }

    /// <summary>
    /// Prepares a shared-B run: <paramref name="sharedB"/> holds one packed KC × NC block, and the counters of
    /// <paramref name="stages"/> stages start at zero.
    /// </summary>
    public void SetShared(T* sharedB, int stages)
    {
        _sharedB = sharedB;
        if (_stageCounters.Length < 4 * stages) _stageCounters = new int[4 * stages];
        else Array.Clear(_stageCounters, 0, 4 * stages);
    }

    /// <summary>Forgets the pointers once the run is over.</summary>
    public void Clear()
    {
        _a = null;
        _b = null;
        _c = null;
        _sharedB = null;
    }

    /// <summary>Computes one part of C.</summary>
    public void RunPart(int index)
        => BlockedGemm<T, TKernel>.RunPart(_plan, _transposeA, _transposeB, _m, _n, _k, _alpha, _a, _b, _beta, _c, index);

    /// <summary>Takes part in a shared-B run (the argument, the thread's item number, does not matter).</summary>
    public void RunShared(int _)
        => BlockedGemm<T, TKernel>.RunShared(_plan, _transposeA, _transposeB, _m, _n, _k, _alpha, _a, _b, _beta, _c, _sharedB, _stageCounters);
}
