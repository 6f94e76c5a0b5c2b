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
        var exception = Assert.Throws<ArgumentException>(() => Backend.Map<T, Sigmoid>(x, y, 10))!;
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
        var exception = Assert.Throws<ArgumentException>(() => Backend.Zip<T, Add>(a, b, a, 3, 8, Broadcast.Row))!;
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
    public void DisposedBuffer_IsRejected_ByName()
    {
        var x = Allocate(8);
        var y = Backend.Allocate<T>(8);
        y.Dispose();
        var exception = Assert.Throws<ObjectDisposedException>(() => Backend.Map<T, Relu>(x, y, 8))!;
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
