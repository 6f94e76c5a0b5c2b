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

    [Test]
    public void ReturningABufferTwiceIsRefusedAndTheCountsStayRight()
    {
        using var backend = new HostBackend(1);
        using var pool = new BufferPool(backend);
        var buffer = pool.Rent<float>(64);
        pool.Return(buffer);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Return(buffer));
        Assert.That(error!.Message, Does.Contain("returned to the pool twice").And.Contain("64 elements"));
        Assert.That(pool.BytesInUse, Is.EqualTo(0));
        Assert.That(pool.BytesCached, Is.EqualTo(64 * sizeof(float)));
        var first = pool.Rent<float>(64);
        var second = pool.Rent<float>(64);
        Assert.That(second, Is.Not.SameAs(first), "the pool held the buffer once, so two renters get two buffers");
        pool.Return(first);
        pool.Return(second);
    }

    [Test]
    public void DisposingTwoCopiesOfAScratchBufferIsRefused()
    {
        using var backend = new HostBackend(1);
        var device = Device.Create(backend);
        var scratch = ScratchBuffer<float>.Rent(device, 32);
        var copy = scratch;
        scratch.Dispose();
        Assert.Throws<InvalidOperationException>(() => copy.Dispose());
        using var again = ScratchBuffer<float>.Rent(device, 32);
        using var other = ScratchBuffer<float>.Rent(device, 32);
        Assert.That(other.Buffer, Is.Not.SameAs(again.Buffer));
    }
}
