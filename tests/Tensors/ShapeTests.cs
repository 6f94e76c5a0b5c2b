using ScratchVae.Tensors;

namespace ScratchVae.Tests.Tensors;

[TestFixture]
public class ShapeTests
{
    [Test]
    public void LengthIsTheProductOfTheDimensions()
    {
        Assert.That(new Shape(128, 784).Length, Is.EqualTo(128 * 784));
        Assert.That(new Shape(2, 3, 4).Length, Is.EqualTo(24));
        Assert.That(Shape.Scalar.Length, Is.EqualTo(1));
        Assert.That(default(Shape).Length, Is.EqualTo(1), "default(Shape) is a scalar");
        Assert.That(new Shape(5, 0).Length, Is.EqualTo(0));
    }

    [Test]
    public void EqualityComparesDimensions()
    {
        Assert.That(new Shape(2, 3) == Shape.Matrix(2, 3), Is.True);
        Assert.That(new Shape(2, 3) != new Shape(3, 2), Is.True);
        Assert.That(new Shape(6) == new Shape(6, 1), Is.False);
        Assert.That(Shape.Scalar, Is.EqualTo(default(Shape)));
        Assert.That(new Shape(2, 3).GetHashCode(), Is.EqualTo(Shape.Matrix(2, 3).GetHashCode()));
    }

    [Test]
    public void ToStringListsDimensions()
    {
        Assert.That(new Shape(128, 784).ToString(), Is.EqualTo("[128, 784]"));
        Assert.That(Shape.Scalar.ToString(), Is.EqualTo("[]"));
    }

    [Test]
    public void AsMatrixViewsEveryRankAsRowsAndColumns()
    {
        Assert.That(Shape.Scalar.AsMatrix(), Is.EqualTo((1, 1)));
        Assert.That(new Shape(7).AsMatrix(), Is.EqualTo((1, 7)));
        Assert.That(new Shape(3, 5).AsMatrix(), Is.EqualTo((3, 5)));
        Assert.That(new Shape(2, 3, 5).AsMatrix(), Is.EqualTo((6, 5)));
    }

    [Test]
    public void NegativeAxesCountFromTheEnd()
    {
        var shape = new Shape(2, 3, 5);
        Assert.That(shape[-1], Is.EqualTo(5));
        Assert.That(shape[0], Is.EqualTo(2));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ = shape[3]);
        Assert.That(error!.Message, Does.Contain("[2, 3, 5]"));
    }

    [Test]
    public void BadShapesAreRefusedWithTheirDimensions()
    {
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Shape(3, -1));
        Assert.That(negative!.Message, Does.Contain("[3, -1]"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Shape(100000, 100000));
        var rows = Assert.Throws<InvalidOperationException>(() => _ = new Shape(4).Rows);
        Assert.That(rows!.Message, Does.Contain("[4]"));
    }
}
