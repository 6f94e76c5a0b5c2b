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
    // The next unclaimed item of the current job, tagged with the job's generation: (generation << 32) | index.
    // Claims go through a compare-and-swap on the whole value, so a worker that wakes up late, after its job was
    // finished by the other threads, can never claim an item of the next job with the previous job's body.
    private long _ticket;
    private int _completed;
    private long _generation;
    private bool _disposed;
    private Exception? _failure;
    // The caller blocks on this object when a job outlasts its spin. A Monitor on a preallocated object rather than a
    // ManualResetEventSlim: the event creates its internal lock object (24 bytes of managed heap) the first time a
    // wait blocks, which made the first blocking join of a thread allocate, at a moment that depended on timing.
    private readonly object _doneGate = new();

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
        long generation;
        lock (_gate)
        {
            _body = body;
            _count = count;
            _failure = null;
            _completed = 0;
            generation = ++_generation;
            Volatile.Write(ref _ticket, Ticket(generation, 0));
            Monitor.PulseAll(_gate);
        }
        RunItems(body, count, generation);
        // The caller waits for the items the workers claimed, not for the workers: on a loaded machine a worker may
        // not get a core for milliseconds, and a job it never started is finished by whoever is running.
        // Spinning first keeps short jobs cheap.
        if (!SpinWait(count, 200)) WaitForCompletion(count);
        _body = null;
        if (_failure is { } failure) throw new AggregateException("A host worker failed.", failure);
    }

    private static long Ticket(long generation, int index) => ((generation & uint.MaxValue) << 32) | (uint)index;

    // Blocks until every item is complete. A worker that completed the previous job's last item after the caller had
    // seen the count may still pulse (a stale signal); the count, checked under the gate, decides.
    private void WaitForCompletion(int count)
    {
        lock (_doneGate)
        {
            while (Volatile.Read(ref _completed) < count) Monitor.Wait(_doneGate);
        }
    }

    private bool SpinWait(int count, int iterations)
    {
        var spinner = new SpinWait();
        for (int i = 0; i < iterations; i++)
        {
            if (Volatile.Read(ref _completed) >= count) return true;
            spinner.SpinOnce(-1);
        }
        return Volatile.Read(ref _completed) >= count;
    }

    // Claims and runs items of job `generation` until none is left (or the job is no longer the current one).
    private void RunItems(Action<int> body, int count, long generation)
    {
        long tag = generation & uint.MaxValue;
        while (true)
        {
            long ticket = Volatile.Read(ref _ticket);
            if ((ticket >>> 32) != tag) return;
            int index = (int)(uint)ticket;
            if (index >= count) return;
            if (Interlocked.CompareExchange(ref _ticket, ticket + 1, ticket) != ticket) continue;
            try
            {
                body(index);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }
            if (Interlocked.Increment(ref _completed) == count)
            {
                lock (_doneGate) Monitor.PulseAll(_doneGate);
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
            if (body is not null) RunItems(body, count, seen);
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
    }
}
