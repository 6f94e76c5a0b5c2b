using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Support;

/// <summary>A fixture base with a one-thread and a two-thread worker pool, created once for the fixture's tests.</summary>
public abstract class OneAndTwoWorkers
{
    /// <summary>The one-thread pool (the caller alone).</summary>
    protected WorkerPool One { get; private set; } = null!;

    /// <summary>The two-thread pool.</summary>
    protected WorkerPool Two { get; private set; } = null!;

    [OneTimeSetUp]
    public void CreatePools()
    {
        One = new WorkerPool(1);
        Two = new WorkerPool(2);
    }

    [OneTimeTearDown]
    public void DisposePools()
    {
        One.Dispose();
        Two.Dispose();
    }
}
