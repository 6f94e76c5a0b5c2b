namespace ScratchVae.Kernels.Host.Parallel;

/// <summary>
/// A fixed set of persistent worker threads for the host backend. The calling thread takes part as
/// worker 0, so a pool of N threads starts N − 1 background threads. Persistent threads beat
/// Parallel.For on the small, frequent jobs of a training step (no task allocation, no thread-pool ramp-up).
/// Jobs do not nest: a body must not call <see cref="For"/> on the same pool.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private Action<int>? _body;
    private int _count;
    private int _next;
    private int _pending;
    private long _generation;
    private bool _disposed;
    private Exception? _failure;
    private readonly ManualResetEventSlim _done = new(false);

    /// <summary>Creates a pool of <paramref name="threadCount"/> threads (the caller included); ≥ 1.</summary>
    public WorkerPool(int threadCount)
    {
        if (threadCount < 1) throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, "A worker pool needs at least one thread.");
        ThreadCount = threadCount;
        _threads = new Thread[threadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"ScratchVae host worker {i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>The number of threads that run a job, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>Runs body(0) … body(count − 1), spread over the pool; returns when all have finished. Rethrows the first failure.</summary>
    public void For(int count, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0) return;
        if (count == 1 || _threads.Length == 0)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        lock (_gate)
        {
            _body = body;
            _count = count;
            _next = 0;
            _failure = null;
            _pending = _threads.Length;
            _done.Reset();
            _generation++;
            Monitor.PulseAll(_gate);
        }
        RunItems(body, count);
        // Wait for the workers to drain; spinning first keeps short jobs cheap.
        if (!SpinWait(200)) _done.Wait();
        _body = null;
        if (_failure is { } failure) throw new AggregateException("A host worker failed.", failure);
    }

    private bool SpinWait(int iterations)
    {
        var spinner = new SpinWait();
        for (int i = 0; i < iterations; i++)
        {
            if (Volatile.Read(ref _pending) == 0) return true;
            spinner.SpinOnce(-1);
        }
        return Volatile.Read(ref _pending) == 0;
    }

    private void RunItems(Action<int> body, int count)
    {
        while (true)
        {
            int index = Interlocked.Increment(ref _next) - 1;
            if (index >= count) return;
            try
            {
                body(index);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }
        }
    }

    // How long an idle worker keeps polling for the next job before it blocks. A training step issues jobs tens of
    // microseconds apart (maps, GEMMs); waking a blocked thread costs about as much as one such job, so a worker that
    // has just finished spins through the gap. Bounded, so an idle pool does not burn the cores.
    private static readonly long IdleSpinTicks = System.Diagnostics.Stopwatch.Frequency / 10_000; // 100 µs

    private void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            SpinUntilNextJob(seen);
            Action<int>? body;
            int count;
            lock (_gate)
            {
                while (_generation == seen && !_disposed) Monitor.Wait(_gate);
                if (_disposed) return;
                seen = _generation;
                body = _body;
                count = _count;
            }
            if (body is not null) RunItems(body, count);
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    private void SpinUntilNextJob(long seen)
    {
        // SpinOnce yields the core after its first few rounds, so on an oversubscribed machine the spinning worker
        // does not hold back the thread it is waiting for.
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + IdleSpinTicks;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _generation) == seen && !Volatile.Read(ref _disposed))
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var thread in _threads) thread.Join();
        _done.Dispose();
    }
}
