using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Bad calls fail before any kernel runs, on every backend, with an exception whose message names the
/// primitive, the operand and the sizes involved.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class ArgumentErrorTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [Test]
    public void Map_WithShortOutput_NamesPrimitiveOperandAndSizes()
    {
        var x = Allocate(10);
        var y = Allocate(7);
        var exception = Assert.Throws<ArgumentException>(() => Backend.Map<T, SigmoidOperator>(x, y, 10))!;
        AssertMentions(exception, "Map", "'y'", "10", "7");
    }

    [Test]
    public void Gemm_WithMismatchedB_NamesPrimitiveOperandAndSizes()
    {
        var a = Allocate(4 * 5);
        var b = Allocate(5 * 6 - 1);
        var c = Allocate(4 * 6);
        var exception = Assert.Throws<ArgumentException>(() => Backend.Gemm(false, false, 4, 6, 5, T.One, a, b, T.Zero, c))!;
        AssertMentions(exception, "Gemm", "'b'", "30", "29");
    }

    [Test]
    public void Zip_WithShortBroadcastRow_NamesPrimitiveOperandAndSizes()
    {
        var a = Allocate(3 * 8);
        var b = Allocate(7);
        var exception = Assert.Throws<ArgumentException>(() => Backend.Zip<T, AddOperator>(a, b, a, 3, 8, Broadcast.Row))!;
        AssertMentions(exception, "Zip", "'b'", "8", "7");
    }

    [Test]
    public void SumOverColumns_WithShortOutput_NamesPrimitiveOperandAndSizes()
    {
        var x = Allocate(6 * 9);
        var y = Allocate(5);
        var exception = Assert.Throws<ArgumentException>(() => Backend.SumOverColumns(x, 6, 9, y))!;
        AssertMentions(exception, "SumOverColumns", "'y'", "6", "5");
    }

    [Test]
    public void Copy_PastTheEnd_NamesPrimitiveOperandAndSizes()
    {
        var source = Allocate(20);
        var destination = Allocate(20);
        var exception = Assert.Throws<ArgumentException>(() => Backend.Copy(source, 15, destination, 0, 10))!;
        AssertMentions(exception, "Copy", "'source'", "15", "10", "20");
    }

    [Test]
    public void BceWithLogits_WithShortLossPerRow_NamesPrimitiveOperandAndSizes()
    {
        var logits = Allocate(4 * 3);
        var loss = Allocate(3);
        var exception = Assert.Throws<ArgumentException>(() => Backend.BceWithLogits(logits, logits, 4, 3, loss, null, T.One))!;
        AssertMentions(exception, "BceWithLogits", "'lossPerRow'", "4", "3");
    }

    [Test]
    public void NegativeLength_IsRejected()
    {
        var x = Allocate(4);
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.Fill(x, 0, -1, T.One))!;
        AssertMentions(exception, "Fill", "-1");
    }

    [Test]
    public void AdamUpdate_WithStepZero_IsRejected()
    {
        var x = Allocate(4);
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.AdamUpdate(x, x, x, x, 4, AdamSettings.Default(0)))!;
        AssertMentions(exception, "AdamUpdate", "step");
    }

    [Test]
    public void AdamUpdate_Decoupled_WithNegativeWeightDecay_IsRejected()
    {
        var x = Allocate(4);
        var settings = AdamSettings.Default(1) with { WeightDecay = -0.01, DecoupledWeightDecay = true };
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.AdamUpdate(x, x, x, x, 4, settings))!;
        AssertMentions(exception, "AdamUpdate", "weight decay", "-0.01");
    }

    [Test]
    public void SgdUpdate_WithMomentumButNoBuffer_NamesPrimitiveAndOperand()
    {
        var parameters = Allocate(4);
        var exception = Assert.Throws<ArgumentNullException>(() => Backend.SgdUpdate(parameters, parameters, null, 4, new SgdSettings(0.1, Momentum: 0.9)))!;
        AssertMentions(exception, "SgdUpdate", "'momentumBuffer'", "momentum 0.9");
    }

    [Test]
    public void SgdUpdate_NesterovWithDampening_IsRejected()
    {
        var x = Allocate(4);
        var exception = Assert.Throws<ArgumentException>(() =>
            Backend.SgdUpdate(x, x, x, 4, new SgdSettings(0.1, Momentum: 0.9, Dampening: 0.5, Nesterov: true)))!;
        AssertMentions(exception, "SgdUpdate", "Nesterov", "dampening 0.5");
    }

    [Test]
    public void SgdUpdate_NesterovWithoutMomentum_IsRejected()
    {
        var x = Allocate(4);
        var exception = Assert.Throws<ArgumentException>(() => Backend.SgdUpdate(x, x, null, 4, new SgdSettings(0.1, Nesterov: true)))!;
        AssertMentions(exception, "SgdUpdate", "Nesterov", "momentum 0");
    }

    [TestCase(-1.0, 0.0, 0.0, 0.0, "learning rate", "-1")]
    [TestCase(double.PositiveInfinity, 0.0, 0.0, 0.0, "learning rate", "Infinity")]
    [TestCase(0.1, -0.5, 0.0, 0.0, "momentum", "-0.5")]
    [TestCase(0.1, 0.9, double.NaN, 0.0, "dampening", "NaN")]
    [TestCase(0.1, 0.0, 0.0, -0.25, "weight decay", "-0.25")]
    public void SgdUpdate_WithBadHyperParameter_NamesPrimitiveAndValue(double learningRate, double momentum, double dampening, double weightDecay,
        string name, string value)
    {
        var x = Allocate(4);
        var settings = new SgdSettings(learningRate, momentum, dampening, weightDecay);
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.SgdUpdate(x, x, x, 4, settings))!;
        AssertMentions(exception, "SgdUpdate", name, value);
    }

    [Test]
    public void SgdUpdate_WithShortBuffers_NamesPrimitiveOperandAndSizes()
    {
        var parameters = Allocate(10);
        var shortBuffer = Allocate(7);
        var exception = Assert.Throws<ArgumentException>(() => Backend.SgdUpdate(parameters, parameters, shortBuffer, 10, new SgdSettings(0.1, Momentum: 0.9)))!;
        AssertMentions(exception, "SgdUpdate", "'momentumBuffer'", "10", "7");
        exception = Assert.Throws<ArgumentException>(() => Backend.SgdUpdate(parameters, shortBuffer, null, 10, new SgdSettings(0.1)))!;
        AssertMentions(exception, "SgdUpdate", "'gradients'", "10", "7");
        exception = Assert.Throws<ArgumentException>(() => Backend.SgdUpdate(shortBuffer, parameters, null, 10, new SgdSettings(0.1)))!;
        AssertMentions(exception, "SgdUpdate", "'parameters'", "10", "7");
    }

    [Test]
    public void SumOfSquares_WithShortInputOrNullOutput_NamesPrimitiveAndOperand()
    {
        var x = Allocate(5);
        var y = Allocate(1);
        var exception = Assert.Throws<ArgumentException>(() => Backend.SumOfSquares(x, 6, y))!;
        AssertMentions(exception, "SumOfSquares", "'x'", "6", "5");
        var missing = Assert.Throws<ArgumentNullException>(() => Backend.SumOfSquares(x, 5, null!))!;
        AssertMentions(missing, "SumOfSquares", "'y'");
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.SumOfSquares(x, -1, y))!;
        AssertMentions(negative, "SumOfSquares", "-1");
    }

    [Test]
    public void DisposedBuffer_IsRejected_ByName()
    {
        var x = Allocate(8);
        var y = Backend.Allocate<T>(8);
        y.Dispose();
        var exception = Assert.Throws<ObjectDisposedException>(() => Backend.Map<T, ReluOperator>(x, y, 8))!;
        AssertMentions(exception, "Map", "'y'", "disposed");
    }

    [Test]
    public void BufferFromAnotherBackend_IsRejected_ByName()
    {
        using var other = new HostBackend(1);
        using var foreign = other.Allocate<T>(8);
        var local = Allocate(8);
        var exception = Assert.Throws<ArgumentException>(() => Backend.Axpby(T.One, foreign, T.One, local, 8))!;
        AssertMentions(exception, "Axpby", "'x'", "host");
    }

    [Test]
    public void NullBuffer_IsRejected_ByName()
    {
        var x = Allocate(8);
        var exception = Assert.Throws<ArgumentNullException>(() => Backend.SumAll(x, 8, null!))!;
        AssertMentions(exception, "SumAll", "'y'");
    }

    private static void AssertMentions(Exception exception, params string[] fragments)
    {
        foreach (string fragment in fragments)
            Assert.That(exception.Message, Does.Contain(fragment), $"the message should mention {fragment}");
    }
}
