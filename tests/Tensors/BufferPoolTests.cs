using ScratchVae.Kernels.Host;
using ScratchVae.Tensors;

namespace ScratchVae.Tests.Tensors;

[TestFixture]
public class BufferPoolTests
{
    [Test]
    public void ReturnedBuffersAreReusedWithoutNewDeviceAllocations()
    {
        using var backend = new HostBackend(1);
        using var pool = new BufferPool(backend);
        var first = pool.Rent<float>(1000);
        var second = pool.Rent<float>(1000);
        Assert.That(pool.DeviceAllocations, Is.EqualTo(2));
        pool.Return(first);
        pool.Return(second);
        for (int step = 0; step < 10; step++)
        {
            var a = pool.Rent<float>(1000);
            var b = pool.Rent<float>(1000);
            pool.Return(a);
            pool.Return(b);
        }
        Assert.That(pool.DeviceAllocations, Is.EqualTo(2), "a steady state allocates nothing new");
        Assert.That(pool.Rentals, Is.EqualTo(22));
        Assert.That(pool.PeakBytesInUse, Is.EqualTo(2 * 1000 * sizeof(float)));
        Assert.That(pool.BytesInUse, Is.EqualTo(0));
    }

    [Test]
    public void BuffersAreKeptApartByTypeAndLength()
    {
        using var backend = new HostBackend(1);
        using var pool = new BufferPool(backend);
        pool.Return(pool.Rent<float>(16));
        var other = pool.Rent<double>(16);
        var longer = pool.Rent<float>(17);
        Assert.That(pool.DeviceAllocations, Is.EqualTo(3));
        pool.Return(other);
        pool.Return(longer);
        pool.Trim();
        Assert.That(pool.BytesCached, Is.EqualTo(0));
    }
}
