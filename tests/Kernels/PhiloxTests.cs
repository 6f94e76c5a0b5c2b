using NUnit.Framework;
using ScratchVae.Kernels.Random;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Philox4x32-10 against the known-answer vectors published with Random123 (tests/kat_vectors, lines
/// "philox4x32 10": counter words, key words, expected output words), and the stream's counter/key layout.
/// </summary>
[TestFixture]
public sealed class PhiloxTests
{
    private static readonly object[] KnownAnswers =
    [
        new object[] { new uint[] { 0x00000000, 0x00000000, 0x00000000, 0x00000000 }, new uint[] { 0x00000000, 0x00000000 }, new uint[] { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
        new object[] { new uint[] { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff }, new uint[] { 0xffffffff, 0xffffffff }, new uint[] { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
        // The digits of π.
        new object[] { new uint[] { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 }, new uint[] { 0xa4093822, 0x299f31d0 }, new uint[] { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
    ];

    [TestCaseSource(nameof(KnownAnswers))]
    public void Generate_MatchesRandom123KnownAnswers(uint[] counter, uint[] key, uint[] expected)
    {
        var block = Philox4x32.Generate(counter[0], counter[1], counter[2], counter[3], key[0], key[1]);
        Assert.That(new[] { block.X0, block.X1, block.X2, block.X3 }, Is.EqualTo(expected));
        Assert.That(Enumerable.Range(0, 4).Select(block.Word), Is.EqualTo(expected));
    }

    /// <summary>A stream's block b under seed s is Philox(counter = (b low, b high, 0, 0), key = (s low, s high)).</summary>
    [TestCase(0ul, 0ul)]
    [TestCase(0x243f6a8885a308d3ul, 0x0000000500000007ul)]
    [TestCase(ulong.MaxValue, ulong.MaxValue)]
    public void ForStream_PutsBlockIndexInCounterAndSeedInKey(ulong seed, ulong blockIndex)
    {
        var expected = Philox4x32.Generate((uint)blockIndex, (uint)(blockIndex >> 32), 0, 0, (uint)seed, (uint)(seed >> 32));
        var actual = Philox4x32.ForStream(seed, blockIndex);
        Assert.That(new[] { actual.X0, actual.X1, actual.X2, actual.X3 }, Is.EqualTo(new[] { expected.X0, expected.X1, expected.X2, expected.X3 }));
    }
}
