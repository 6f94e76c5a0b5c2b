using NUnit.Framework;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The host worker pool's join: every item runs exactly once, failures surface, and a caller that has to block
/// for a slow worker allocates nothing (the training step's zero-allocation promise depends on it).
/// </summary>
public sealed class WorkerPoolTests
{
    [Test]
    public void EveryItemRunsOnce([Values(1, 2, 3)] int threads, [Values(1, 2, 7, 100)] int count)
    {
        using var pool = new WorkerPool(threads);
        for (int job = 0; job < 20; job++)
        {
            var runs = new int[count];
            pool.For(count, i => Interlocked.Increment(ref runs[i]));
            Assert.That(runs, Is.All.EqualTo(1), $"job {job}");
        }
    }

    [Test]
    public void AFailingItemIsRethrownAndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(2);
        var exception = Assert.Throws<AggregateException>(() => pool.For(10, i => { if (i == 7) throw new InvalidOperationException("item 7"); }))!;
        Assert.That(exception.InnerException, Is.TypeOf<InvalidOperationException>().With.Message.EqualTo("item 7"));
        int sum = 0;
        pool.For(10, i => Interlocked.Add(ref sum, i));
        Assert.That(sum, Is.EqualTo(45));
    }

    [Test]
    public void ABlockingJoinAllocatesNothing()
    {
        // Two items. The caller's item waits until the worker has taken the other one, and the worker's item then
        // sleeps 100 ms, so the caller waits in the join: spinning first, blocked once the spin runs out (how soon
        // depends on what else the machine runs).
        int workerStarted = 0;
        bool workerSeen = true;
        Action<int> body = _ =>
        {
            if (Thread.CurrentThread.Name is not null)
            {
                Volatile.Write(ref workerStarted, 1);
                Thread.Sleep(100);
                return;
            }
            long deadline = Environment.TickCount64 + 10_000;
            while (Volatile.Read(ref workerStarted) == 0)
            {
                if (Environment.TickCount64 > deadline) { workerSeen = false; return; }
                Thread.Yield();
            }
        };
        // Compile everything on another pool first: what is measured is the first blocking joins of a fresh pool,
        // where a lazily created wait object would be allocated.
        using (var warmUp = new WorkerPool(2)) warmUp.For(2, body);
        using var pool = new WorkerPool(2);
        for (int join = 1; join <= 3; join++)
        {
            workerStarted = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            pool.For(2, body);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(workerSeen, Is.True, "the worker took its item within 10 s");
            Assert.That(allocated, Is.Zero, $"bytes allocated on the calling thread by blocking join {join}");
        }
    }
}
