using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Tests.Tensors;

/// <summary>
/// <see cref="Device.Constant{T}"/>: one filled buffer per value and element type, kept, so that an operation's
/// broadcast constant costs no fill (a GPU launch) after its first use.
/// </summary>
[TestFixture]
public sealed class DeviceConstantTests
{
    [Test]
    public void AConstantHoldsItsValueAndIsFilledOnce()
    {
        var device = Device.Host;
        var half = device.Constant(-0.5f);
        Assert.That(half.Length, Is.EqualTo(1));
        var values = new float[1];
        device.Backend.Download(half, 0, values);
        Assert.That(values[0], Is.EqualTo(-0.5f));
        Assert.That(device.Constant(-0.5f), Is.SameAs(half), "the same value again is the same buffer");
        Assert.That(device.Constant(0.5f), Is.Not.SameAs(half));
        Assert.That(device.Constant(-0.5), Is.Not.SameAs(half), "double and float constants are apart");
    }

    [Test]
    public void PlusAndMinusZeroAreDifferentConstants()
    {
        var device = Device.Host;
        var plus = device.Constant(0.0);
        var minus = device.Constant(-0.0);
        Assert.That(minus, Is.Not.SameAs(plus), "0.0.Equals(-0.0) is true in .NET; the key keeps the sign");
        var values = new double[1];
        device.Backend.Download(minus, 0, values);
        Assert.That(double.IsNegative(values[0]), Is.True);
    }
}
