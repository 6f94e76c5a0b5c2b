extern alias bench;
using bench::ScratchVae.Bench.Gemm;
using ScratchVae.Kernels;

namespace ScratchVae.Tests.Bench;

/// <summary>bench gemm --backend on a device that is listed but cannot be used: one line naming the device and why.</summary>
[TestFixture]
public class BackendGemmRunnerTests
{
    [Test]
    public void AnUnusableDeviceIsOneLineWithItsReason()
    {
        var absent = Backends.List().FirstOrDefault(device => !device.Usable && device.Name is "cuda" or "opencl");
        if (absent is null) Assert.Ignore("every GPU backend is usable here, so none can be refused");
        var error = Assert.Throws<ArgumentException>(() => GemmRunners.Create($"{absent!.Name}/tiled128", GemmShape.Parse("8x8x8"), 1));
        Assert.That(error!.Message, Is.EqualTo($"--backend {absent.Name}/tiled128: device '{absent.Name}' is not usable: {absent.Reason}"));
    }
}
