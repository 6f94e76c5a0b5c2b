using ScratchVae.Tensors;

namespace ScratchVae.Tests.Tensors;

[TestFixture]
public class TensorTests
{
    private static Device Host => Device.Open("host");

    [Test]
    public void FromArrayRoundTripsBothDtypes()
    {
        float[] values = [1.5f, -2f, 3.25f, 0f, 1e-30f, 7f];
        using var single = Tensor<float>.FromArray(values, new Shape(2, 3), Host);
        Assert.That(single.ToArray(), Is.EqualTo(values));
        Assert.That(single.Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(Tensor<float>.DType, Is.EqualTo("float32"));

        double[] doubles = [Math.PI, -1e300, 5e-324];
        using var twice = Tensor<double>.FromArray(doubles, new Shape(3), Host);
        Assert.That(twice.ToArray(), Is.EqualTo(doubles));
        Assert.That(Tensor<double>.DType, Is.EqualTo("float64"));
    }

    [Test]
    public void FromTwoDimensionalArrayIsRowMajor()
    {
        using var tensor = Tensor<double>.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, Host);
        Assert.That(tensor.Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(tensor.ToArray(), Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void FullZerosOnesAndScalar()
    {
        using var full = Tensor<float>.Full(new Shape(3, 4), 2.5f, Host);
        Assert.That(full.ToArray(), Is.All.EqualTo(2.5f));
        using var zeros = Tensor<double>.Zeros(new Shape(33), Host);
        Assert.That(zeros.ToArray(), Is.All.EqualTo(0.0));
        using var ones = Tensor<double>.Ones(new Shape(2, 2), Host);
        Assert.That(ones.ToArray(), Is.All.EqualTo(1.0));
        using var scalar = Tensor<double>.Scalar(-4.5, Host);
        Assert.That(scalar.Item(), Is.EqualTo(-4.5));
        Assert.That(scalar.Shape.Rank, Is.EqualTo(0));
    }

    [Test]
    public void WrongLengthsNameTheShape()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor<float>.FromArray(new float[5], new Shape(2, 3), Host));
        Assert.That(error!.Message, Does.Contain("5").And.Contain("[2, 3]"));
        using var tensor = Tensor<float>.Zeros(new Shape(2, 3), Host);
        var item = Assert.Throws<InvalidOperationException>(() => tensor.Item());
        Assert.That(item!.Message, Does.Contain("[2, 3]"));
        var copy = Assert.Throws<ArgumentException>(() => tensor.CopyTo(new float[4]));
        Assert.That(copy!.Message, Does.Contain("[2, 3]"));
    }

    [Test]
    public void UseAfterDisposeThrowsNamingTheTensor()
    {
        var tensor = Tensor<float>.Zeros(new Shape(4, 5), Host);
        tensor.Dispose();
        tensor.Dispose(); // a second dispose is harmless
        var error = Assert.Throws<ObjectDisposedException>(() => tensor.ToArray());
        Assert.That(error!.Message, Does.Contain("[4, 5]").And.Contain("disposed"));
        Assert.That(tensor.ToString(), Does.Contain("disposed"));
    }

    [Test]
    public void ReshapeSharesTheBufferUntilTheLastViewIsDisposed()
    {
        var device = Host;
        var original = Tensor<double>.FromArray([1, 2, 3, 4, 5, 6], new Shape(2, 3), device);
        var view = original.Reshape(new Shape(3, 2));
        Assert.That(view.ToArray(), Is.EqualTo(original.ToArray()));
        device.Backend.Fill(view.Buffer, 0, 1, 42.0);
        Assert.That(original.ToArray()[0], Is.EqualTo(42.0), "a reshaped view writes through to the original");

        long inUse = device.Pool.BytesInUse;
        original.Dispose();
        Assert.That(device.Pool.BytesInUse, Is.EqualTo(inUse), "the buffer stays out while a view uses it");
        Assert.That(view.ToArray()[5], Is.EqualTo(6.0));
        view.Dispose();
        Assert.That(device.Pool.BytesInUse, Is.EqualTo(inUse - 6 * sizeof(double)));

        using var again = Tensor<double>.Zeros(new Shape(2, 2), device);
        var bad = Assert.Throws<ArgumentException>(() => again.Reshape(new Shape(3)));
        Assert.That(bad!.Message, Does.Contain("[2, 2]").And.Contain("[3]"));
    }

    [Test]
    public void CloneAndCastCopy()
    {
        using var source = Tensor<float>.FromArray([0.1f, 0.2f, 0.3f], new Shape(3), Host);
        using var clone = source.Clone();
        Host.Backend.Fill(source.Buffer, 0, 3, 9f);
        Assert.That(clone.ToArray(), Is.EqualTo(new[] { 0.1f, 0.2f, 0.3f }), "a clone owns its buffer");
        using var wide = clone.Cast<double>();
        Assert.That(wide.ToArray(), Is.EqualTo(new[] { (double)0.1f, (double)0.2f, (double)0.3f }));
        using var narrow = wide.Cast<float>();
        Assert.That(narrow.ToArray(), Is.EqualTo(clone.ToArray()));
    }

    [Test]
    public void ToStringShowsHeaderAndElidedValues()
    {
        using var small = Tensor<float>.FromArray([1, 2, 3, 4, 5, 6], new Shape(2, 3), Host);
        Assert.That(small.ToString(), Is.EqualTo("Tensor<float32>[2, 3] on host\n[[1, 2, 3],\n [4, 5, 6]]"));
        using var large = Tensor<double>.FromArray(Enumerable.Range(0, 100).Select(i => (double)i).ToArray(), new Shape(100), Host);
        Assert.That(large.ToString(), Is.EqualTo("Tensor<float64>[100] on host\n[0, 1, 2, ..., 97, 98, 99]"));
    }

    [Test]
    public void RandomTensorsAreReproducibleFromTheSeed()
    {
        using var first = Tensor<float>.Normal(new Shape(10, 10), seed: 7, device: Host);
        using var second = Tensor<float>.Normal(new Shape(10, 10), seed: 7, device: Host);
        using var other = Tensor<float>.Normal(new Shape(10, 10), seed: 8, device: Host);
        Assert.That(first.ToArray(), Is.EqualTo(second.ToArray()));
        Assert.That(first.ToArray(), Is.Not.EqualTo(other.ToArray()));
        using var uniform = Tensor<double>.Uniform(new Shape(1000), seed: 1, device: Host);
        Assert.That(uniform.ToArray(), Is.All.GreaterThan(0.0).And.All.LessThanOrEqualTo(1.0));
    }

    [Test]
    public void DevicesAreSharedAndUnknownNamesAreRefused()
    {
        Assert.That(Device.Open("host"), Is.SameAs(Device.Open("HOST")));
        var error = Assert.Throws<ArgumentException>(() => Device.Open("tpu"));
        Assert.That(error!.Message, Does.Contain("tpu"));
    }
}
