namespace ScratchVae.Kernels.Host.Parallel;

/// <summary>
/// Runs a struct job over a <see cref="WorkerPool"/> without allocating: the pool needs an
/// <see cref="Action{T}"/>, so each calling thread keeps one runner per job type whose delegate is created
/// once and reads the job from a field. The caller blocks in <see cref="WorkerPool.For"/> until every chunk
/// is done, so the job (and any stack memory it points to) outlives the work.
/// </summary>
internal sealed class ChunkRunner<TJob> where TJob : struct, IChunkJob
{
    [ThreadStatic] private static ChunkRunner<TJob>? _forThisThread;

    private readonly Action<int> _body;
    private TJob _job;

    private ChunkRunner() => _body = RunChunk;

    private void RunChunk(int index) => _job.Run(index);

    /// <summary>Runs job.Run(0 … count − 1) on the pool's threads and returns when all have finished.</summary>
    public static void Run(WorkerPool pool, int count, in TJob job)
    {
        var runner = _forThisThread ??= new ChunkRunner<TJob>();
        runner._job = job;
        try
        {
            pool.For(count, runner._body);
        }
        finally
        {
            runner._job = default;
        }
    }
}
