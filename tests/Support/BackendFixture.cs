using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;

namespace ScratchVae.Tests.Support;

/// <summary>
/// Base of the kernel test fixtures that run once per backend and element type: gets the shared backend
/// (or skips the fixture with the reason), and moves arrays to and from it. Buffers made through
/// <see cref="Upload"/> and <see cref="Allocate"/> are disposed after each test.
/// </summary>
public abstract class BackendFixture<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<IDisposable> _buffers = new();

    /// <summary>
    /// Creates the fixture for the backend case <paramref name="backendName"/> (see <see cref="TestBackends"/>);
    /// <paramref name="elementType"/> only carries <typeparamref name="T"/> for NUnit's type inference.
    /// </summary>
    protected BackendFixture(string backendName, T elementType)
    {
        _ = elementType;
        BackendName = backendName;
    }

    /// <summary>The backend case, e.g. "host(threads=2)".</summary>
    protected string BackendName { get; }

    /// <summary>The backend under test.</summary>
    protected IBackend Backend { get; private set; } = null!;

    /// <summary>The tolerances for <typeparamref name="T"/>.</summary>
    protected static Tolerances Tolerance => Tolerances.For<T>();

    /// <summary>True for ILGPU's CPU accelerator, where each GPU thread costs ~100 ns: tests use smaller sizes there.</summary>
    protected bool IsEmulated => BackendName == TestBackends.IlgpuCpu;

    /// <summary>A size above the host's parallel threshold (so two-thread hosts take the chunked path), or a small one on the emulator.</summary>
    protected int LargeRows => IsEmulated ? 37 : 301;

    /// <summary>Gets the backend or skips the fixture.</summary>
    [OneTimeSetUp]
    public void GetBackend() => Backend = TestBackends.Get(BackendName);

    /// <summary>Disposes the test's buffers.</summary>
    [TearDown]
    public void DisposeBuffers()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
    }

    /// <summary>A buffer holding <paramref name="values"/> rounded to <typeparamref name="T"/>.</summary>
    protected DeviceBuffer<T> Upload(ReadOnlySpan<double> values)
    {
        var buffer = Allocate(values.Length);
        Backend.Upload<T>(TestData.To<T>(values), buffer);
        return buffer;
    }

    /// <summary>An uninitialised buffer of <paramref name="length"/> elements.</summary>
    protected DeviceBuffer<T> Allocate(int length)
    {
        var buffer = Backend.Allocate<T>(length);
        _buffers.Add(buffer);
        return buffer;
    }

    /// <summary>A buffer of <paramref name="length"/> elements all equal to <paramref name="value"/>.</summary>
    protected DeviceBuffer<T> Filled(int length, double value)
    {
        var buffer = Allocate(length);
        Backend.Fill(buffer, 0, length, T.CreateTruncating(value));
        return buffer;
    }

    /// <summary>The first <paramref name="length"/> elements (all when omitted), as doubles.</summary>
    protected double[] Download(DeviceBuffer<T> buffer, int length = -1)
    {
        var values = new T[length < 0 ? buffer.Length : length];
        Backend.Download(buffer, 0, values);
        return TestData.ToDouble<T>(values);
    }

    /// <summary>The first <paramref name="length"/> elements (all when omitted), in <typeparamref name="T"/>.</summary>
    protected T[] DownloadRaw(DeviceBuffer<T> buffer, int length = -1)
    {
        var values = new T[length < 0 ? buffer.Length : length];
        Backend.Download(buffer, 0, values);
        return values;
    }

    /// <summary>Deterministic inputs rounded to <typeparamref name="T"/> (so references see what the kernel sees).</summary>
    protected static double[] Inputs(int seed, int count, double low, double high)
        => TestData.RoundTo<T>(TestData.Uniform(seed, count, low, high));

    /// <summary>"float32" or "float64", for messages.</summary>
    protected static string TypeName => DTypes.Name<T>();
}
