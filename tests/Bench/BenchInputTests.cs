extern alias bench;
using bench::ScratchVae.Bench.Gemm;
using ScratchVae.Kernels;

namespace ScratchVae.Tests.Bench;

/// <summary>Bad input to the bench suites: one line naming the value and what is wrong with it.</summary>
[TestFixture]
public class BenchInputTests
{
    [TestCase("0x5x5", "'0x5x5': M = '0' is not a whole number of at least 1.")]
    [TestCase("4x5x-1", "'4x5x-1': K = '-1' is not a whole number of at least 1.")]
    [TestCase("4xax5:NT", "'4xax5:NT': N = 'a' is not a whole number of at least 1.")]
    [TestCase("4x5", "'4x5' is not a GEMM shape like 128x400x784:NT.")]
    [TestCase("4x5x6:NX", "'4x5x6:NX' is not a GEMM shape like 128x400x784:NT.")]
    public void AGemmShapeIsThreeWholeNumbersOfAtLeastOne(string text, string message)
        => Assert.That(Assert.Throws<FormatException>(() => GemmShape.Parse(text))!.Message, Is.EqualTo(message));

    [Test]
    public void AGemmShapeReadsBackAsWritten()
        => Assert.That(GemmShape.Parse("128x784x400:nt"), Is.EqualTo(new GemmShape(128, 784, 400, false, true)));

    [Test]
    public void AnUnusableDeviceIsOneLineWithItsReason()
    {
        var absent = Backends.List().FirstOrDefault(device => !device.Usable && device.Name is "cuda" or "opencl");
        if (absent is null) Assert.Ignore("every GPU backend is usable here, so none can be refused");
        var error = Assert.Throws<ArgumentException>(() => GemmRunners.Create($"{absent!.Name}/tiled128", GemmShape.Parse("8x8x8"), 1));
        Assert.That(error!.Message, Is.EqualTo($"--backend {absent.Name}/tiled128: device '{absent.Name}' is not usable: {absent.Reason}"));
    }
}
