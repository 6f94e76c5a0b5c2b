using NUnit.Framework;
using ScratchVae.Kernels.Host.Gemm;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The transposing pack (PanelPacker.PackDepthContiguous) against its definition, panel[p · panelWidth + x] =
/// source[x · stride + p] for x &lt; width and 0 beyond, for every path it takes: 16 × 16 blocks in 512-bit registers
/// (32- and 16-wide panels on AVX-512), 8 × 8 blocks, and the scalar steps left over; full and partial panels,
/// including a part's half-tile edge (16 of 32 columns) and a group with no rows at all.
/// </summary>
public sealed unsafe class PanelPackerTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (int panelWidth in new[] { 32, 16, 8 })
        foreach (int width in new[] { panelWidth, panelWidth - 1, panelWidth / 2, 3, 1 }.Distinct())
        foreach (int depth in new[] { 1, 7, 8, 15, 16, 17, 24, 200, 196 })
            yield return new TestCaseData(panelWidth, width, depth);
    }

    [TestCaseSource(nameof(Cases))]
    public void DepthContiguousPanelsAreTheTranspose(int panelWidth, int width, int depth)
        => Check(PanelPacker.PackDepthContiguous, panelWidth, width, depth, sourceRows: width, (x, p) => x * Stride + p);

    [TestCaseSource(nameof(Cases))]
    public void WidthContiguousPanelsAreACopy(int panelWidth, int width, int depth)
        => Check(PanelPacker.PackWidthContiguous, panelWidth, width, depth, sourceRows: depth, (x, p) => p * Stride + x);

    private delegate void Packer(float* source, nint stride, int width, int panelWidth, int depth, float* destination);

    private const int Stride = 211; // rows of the source are longer than what is packed from them

    // Packs a random source and compares every panel element with source[sourceIndex(x, p)], or 0 past the width.
    private static void Check(Packer pack, int panelWidth, int width, int depth, int sourceRows, Func<int, int, int> sourceIndex)
    {
        var random = new Random(panelWidth * 1000 + width * 10 + depth);
        float[] source = new float[sourceRows * Stride + 16];
        for (int i = 0; i < source.Length; i++) source[i] = (float)(random.NextDouble() * 2 - 1);
        // Slack past the end for spilled lanes, as the pack buffers have; NaN so that a missed element shows.
        float[] panel = Enumerable.Repeat(float.NaN, depth * panelWidth + PanelPacker.Slack).ToArray();
        fixed (float* s = source, d = panel) pack(s, Stride, width, panelWidth, depth, d);
        for (int p = 0; p < depth; p++)
        for (int x = 0; x < panelWidth; x++)
        {
            float expected = x < width ? source[sourceIndex(x, p)] : 0f;
            if (!panel[p * panelWidth + x].Equals(expected))
                Assert.Fail($"width {width} of {panelWidth}, depth {depth}: panel[{p}, {x}] = {panel[p * panelWidth + x]}, expected {expected}");
        }
    }
}
