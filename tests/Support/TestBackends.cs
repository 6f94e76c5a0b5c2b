using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Host;

namespace ScratchVae.Tests.Support;

/// <summary>
/// The backends every kernel test runs on. Each is created once per test run and shared by all fixtures
/// (creating a GPU context is slow); one that cannot be created is remembered with its reason, and each
/// fixture that needs it reports itself skipped with that reason, never silently dropped.
/// </summary>
public static class TestBackends
{
    /// <summary>Host with one thread: every primitive on the calling thread.</summary>
    public const string HostOneThread = "host(threads=1)";

    /// <summary>Host with two threads: large arrays take the pool's chunked path.</summary>
    public const string HostTwoThreads = "host(threads=2)";

    /// <summary>ILGPU's CPU accelerator: the GPU kernels, emulated (about 100 ns per GPU thread, so keep sizes small).</summary>
    public const string IlgpuCpu = "ilgpu-cpu";

    /// <summary>Every backend case, host first.</summary>
    public static readonly string[] Names = [HostOneThread, HostTwoThreads, IlgpuCpu, "cuda", "opencl"];

    /// <summary>The non-host cases, for tests that compare a backend against the host.</summary>
    public static readonly string[] DeviceNames = [IlgpuCpu, "cuda", "opencl"];

    private static readonly object Gate = new();
    private static readonly Dictionary<string, IBackend> Created = new();
    private static readonly Dictionary<string, string> Unavailable = new();

    /// <summary>
    /// One fixture per backend × element type, for generic fixtures whose constructor is
    /// (string backendName, T elementType): NUnit infers T from the second argument (0f or 0d).
    /// </summary>
    public static IEnumerable<TestFixtureData> ByBackendAndType()
    {
        foreach (string name in Names)
        {
            yield return new TestFixtureData(name, 0f).SetArgDisplayNames(name, "float32");
            yield return new TestFixtureData(name, 0d).SetArgDisplayNames(name, "float64");
        }
    }

    /// <summary>One fixture per backend for float64-only fixtures whose constructor is (string backendName, double elementType).</summary>
    public static IEnumerable<TestFixtureData> ByBackendFloat64()
    {
        foreach (string name in Names) yield return new TestFixtureData(name, 0d).SetArgDisplayNames(name, "float64");
    }

    /// <summary>
    /// The shared backend for <paramref name="name"/>, or <see cref="Assert.Ignore(string)"/> with the reason it
    /// cannot be created. "Cannot be created" means <see cref="Backends.Create"/> threw
    /// <see cref="InvalidOperationException"/> (device absent or unusable) or <see cref="NotImplementedException"/>;
    /// anything else is a failure.
    /// </summary>
    public static IBackend Get(string name)
    {
        lock (Gate)
        {
            if (Created.TryGetValue(name, out var backend)) return backend;
            if (!Unavailable.TryGetValue(name, out string? reason))
            {
                try
                {
                    backend = Create(name);
                    Created[name] = backend;
                    return backend;
                }
                catch (Exception exception) when (exception is InvalidOperationException or NotImplementedException)
                {
                    reason = $"backend '{name}' is not available here: {exception.GetType().Name}: {exception.Message}";
                    Unavailable[name] = reason;
                }
            }
            Assert.Ignore(reason);
            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>A new backend for <paramref name="name"/> owned by the caller (host cases fall back to the constructor until the factory exists).</summary>
    public static IBackend Create(string name)
    {
        if (name == HostOneThread || name == HostTwoThreads)
        {
            int threads = name == HostOneThread ? 1 : 2;
            try
            {
                return Backends.Create("host", threads);
            }
            catch (NotImplementedException)
            {
                return new HostBackend(threads);
            }
        }
        return Backends.Create(name);
    }

    /// <summary>Disposes every shared backend (at the end of the run).</summary>
    internal static void DisposeAll()
    {
        lock (Gate)
        {
            foreach (var backend in Created.Values) backend.Dispose();
            Created.Clear();
        }
    }
}
