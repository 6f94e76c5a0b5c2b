using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Host;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>The same seed gives the same uniforms on a device as on the host, bit for bit, and normals that agree to float tolerance.</summary>
[TestFixtureSource(typeof(CrossBackendRandomTests), nameof(DevicesAndTypes))]
public sealed class CrossBackendRandomTests(string deviceName, Type elementType)
{
    /// <summary>Every non-host backend × element type.</summary>
    public static IEnumerable<TestFixtureData> DevicesAndTypes()
    {
        foreach (string name in TestBackends.DeviceNames)
        {
            yield return new TestFixtureData(name, typeof(float)).SetArgDisplayNames(name, "float32");
            yield return new TestFixtureData(name, typeof(double)).SetArgDisplayNames(name, "float64");
        }
    }

    [Test]
    public void SameSeed_SameNumbers_AsHost()
    {
        IBackend device = TestBackends.Get(deviceName);
        if (elementType == typeof(float)) Compare<float>(device);
        else Compare<double>(device);
    }

    private static void Compare<T>(IBackend device) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = 4099;
        const ulong seed = 0x5eed, counterOffset = 123;
        using var host = new HostBackend(1);
        T[] Fill(IBackend backend, bool normal)
        {
            using var buffer = backend.Allocate<T>(n);
            if (normal) backend.NormalFill(buffer, 0, n, seed, counterOffset, T.Zero, T.One);
            else backend.UniformFill(buffer, 0, n, seed, counterOffset);
            var values = new T[n];
            backend.Download(buffer, 0, values);
            return values;
        }
        NumericAssert.BitIdentical<T>(Fill(device, normal: false), Fill(host, normal: false), $"uniforms on {device.Name} against host");
        var tolerance = Tolerances.For<T>();
        NumericAssert.AllClose(TestData.ToDouble<T>(Fill(device, normal: true)), TestData.ToDouble<T>(Fill(host, normal: true)),
            tolerance.DerivativeRelative, tolerance.DerivativeAbsolute, $"normals on {device.Name} against host");
    }
}
