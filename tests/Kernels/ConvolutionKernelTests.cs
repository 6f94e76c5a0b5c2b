// Shape legend (see ConvolutionGeometry): x [N, C, H, W], w [O, C, KH, KW], y [N, O, P, Q], strides SH × SW,
// paddings PadH × PadW.
using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Conv2d, its two backward passes, AddChannelBias and SumPerChannel on every backend and element type: against the
/// float64 loops of <see cref="ConvolutionReference"/> over a sweep of strides 1–3, paddings 0–2, square and
/// non-square kernels 1–5, odd image sizes, one and several channels, batch 1 and 3 (allowed error ∝ Σ|terms|);
/// with and without accumulation into non-zero prior contents; a hand-computed example; the adjoint identities that
/// tie the three passes together; bit-identical results run to run; refused geometries and buffers; empty batches.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class ConvolutionKernelTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// float32 sums, relative to Σ|terms|: the longest sums tested have ~400 terms (the weight gradient of a 9 × 6 image
    /// padded by 2 over 3 images), whose worst-case sequential rounding is 400 · 6·10⁻⁸ = 2.4·10⁻⁵; 5·10⁻⁵ leaves room
    /// for a backend that adds in another order (a packed GEMM, say).
    /// </summary>
    private const double Float32RelativeToAbsoluteSum = 5e-5;

    /// <summary>float64 sums, relative to Σ|terms|: the same reasoning with unit roundoff 1.1·10⁻¹⁶.</summary>
    private const double Float64RelativeToAbsoluteSum = 1e-13;

    /// <summary>Exact for a bias added to an element: one rounding, ≤ 1 ulp of the result.</summary>
    private static double ElementRelative => typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;

    private static double SumRelative => typeof(T) == typeof(float) ? Float32RelativeToAbsoluteSum : Float64RelativeToAbsoluteSum;

    /// <summary>
    /// Every stride 1–3 × padding 0–2 × kernel (five square, four non-square), with the image (5 × 7 or 9 × 6), the
    /// channels (C → O of 1 → 1, 3 → 2, 2 → 4) and the batch (1 or 3) cycling so each appears with each stride; then
    /// unequal strides and paddings on the two axes, a 1 × 1 image, and a tap that only ever sees the padding.
    /// </summary>
    private static IEnumerable<ConvolutionGeometry> Geometries()
    {
        (int Height, int Width)[] kernels = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (1, 3), (3, 2), (5, 2), (2, 4)];
        (int Height, int Width)[] images = [(5, 7), (9, 6)];
        (int In, int Out)[] channels = [(1, 1), (3, 2), (2, 4)];
        int[] batches = [1, 3];
        int index = 0;
        for (int stride = 1; stride <= 3; stride++)
            for (int padding = 0; padding <= 2; padding++)
                foreach (var kernel in kernels)
                {
                    var image = images[index % images.Length];
                    var channel = channels[index / 2 % channels.Length];
                    int batch = batches[index / 3 % batches.Length];
                    index++;
                    yield return new ConvolutionGeometry(batch, channel.In, image.Height, image.Width, channel.Out,
                        kernel.Height, kernel.Width, stride, stride, padding, padding);
                }
        yield return new ConvolutionGeometry(3, 2, 5, 7, 3, 3, 2, 1, 3, 0, 2);
        yield return new ConvolutionGeometry(1, 3, 9, 6, 2, 2, 5, 2, 1, 2, 1);
        yield return new ConvolutionGeometry(3, 1, 6, 5, 2, 4, 3, 3, 2, 1, 0);
        yield return new ConvolutionGeometry(2, 2, 1, 1, 3, 1, 1, 1, 1, 0, 0);
        yield return new ConvolutionGeometry(2, 2, 1, 1, 2, 3, 3, 1, 1, 1, 1);
        // H = 1 padded by 2, stride 3: output rows 0 and 1 see input rows −2 and 1, so the single input row is never seen.
        yield return new ConvolutionGeometry(2, 2, 1, 4, 2, 1, 2, 3, 1, 2, 0);
        // Batches the host splits into groups of several images (a multiple of 8 groups), the last one shorter, and whose weight gradient
        // it sums in eight partial sums: the channel-major copies and the slot sums run.
        yield return new ConvolutionGeometry(20, 2, 6, 5, 3, 3, 3, 1, 1, 1, 1);
        yield return new ConvolutionGeometry(37, 3, 7, 7, 4, 4, 4, 2, 2, 1, 1);
    }

    [Test]
    public void Conv2d_MatchesReference()
    {
        foreach (var geometry in Geometries())
        {
            var (x, w) = (Inputs(1, geometry.InputLength, -1, 1), Inputs(2, geometry.WeightLength, -1, 1));
            var y = Filled(geometry.OutputLength, 1e3);
            Backend.Conv2d(geometry, Upload(x), Upload(w), y);
            double[] expected = ConvolutionReference.Conv2d(geometry, x, w);
            double[] scale = ConvolutionReference.Conv2d(geometry, Absolute(x), Absolute(w));
            NumericAssert.AllWithin(Download(y), expected, Allowed(scale), $"Conv2d {geometry}");
        }
    }

    [Test]
    public void Conv2dBackwardInput_MatchesReference([Values] bool accumulate)
    {
        foreach (var geometry in Geometries())
        {
            var (dy, w) = (Inputs(3, geometry.OutputLength, -1, 1), Inputs(4, geometry.WeightLength, -1, 1));
            double[] before = Inputs(5, geometry.InputLength, -2, 2);
            var dx = Upload(before);
            Backend.Conv2dBackwardInput(geometry, Upload(dy), Upload(w), dx, accumulate);
            double[] expected = ConvolutionReference.Conv2dBackwardInput(geometry, dy, w);
            double[] scale = ConvolutionReference.Conv2dBackwardInput(geometry, Absolute(dy), Absolute(w));
            if (accumulate) AddPrior(expected, scale, before);
            NumericAssert.AllWithin(Download(dx), expected, Allowed(scale), $"Conv2dBackwardInput {geometry} (accumulate {accumulate})");
        }
    }

    [Test]
    public void Conv2dBackwardWeight_MatchesReference([Values] bool accumulate)
    {
        foreach (var geometry in Geometries())
        {
            var (x, dy) = (Inputs(6, geometry.InputLength, -1, 1), Inputs(7, geometry.OutputLength, -1, 1));
            double[] before = Inputs(8, geometry.WeightLength, -2, 2);
            var dw = Upload(before);
            Backend.Conv2dBackwardWeight(geometry, Upload(x), Upload(dy), dw, accumulate);
            double[] expected = ConvolutionReference.Conv2dBackwardWeight(geometry, x, dy);
            double[] scale = ConvolutionReference.Conv2dBackwardWeight(geometry, Absolute(x), Absolute(dy));
            if (accumulate) AddPrior(expected, scale, before);
            NumericAssert.AllWithin(Download(dw), expected, Allowed(scale), $"Conv2dBackwardWeight {geometry} (accumulate {accumulate})");
        }
    }

    /// <summary>
    /// F.conv2d(arange(1, 10).view(1, 1, 3, 3), [[1, 2], [3, 4]], stride 2, padding 1) by hand, and both gradients for
    /// dy = 1: exact small integers, so every backend must give them exactly (this also checks the reference).
    /// </summary>
    [Test]
    public void Conv2d_HandComputedExample()
    {
        var geometry = ConvolutionGeometry.Square(1, 1, 3, 3, 1, 2, 2, 1);
        double[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        double[] w = [1, 2, 3, 4];
        double[] ones = [1, 1, 1, 1];
        double[] expectedY = [4, 18, 36, 77];
        double[] expectedDx = [4, 3, 4, 2, 1, 2, 4, 3, 4];
        double[] expectedDw = [5, 10, 10, 20];
        Assert.That(ConvolutionReference.Conv2d(geometry, x, w), Is.EqualTo(expectedY));
        Assert.That(ConvolutionReference.Conv2dBackwardInput(geometry, ones, w), Is.EqualTo(expectedDx));
        Assert.That(ConvolutionReference.Conv2dBackwardWeight(geometry, x, ones), Is.EqualTo(expectedDw));

        var y = Allocate(4);
        Backend.Conv2d(geometry, Upload(x), Upload(w), y);
        Assert.That(Download(y), Is.EqualTo(expectedY));
        var dx = Allocate(9);
        Backend.Conv2dBackwardInput(geometry, Upload(ones), Upload(w), dx);
        Assert.That(Download(dx), Is.EqualTo(expectedDx));
        var dw = Allocate(4);
        Backend.Conv2dBackwardWeight(geometry, Upload(x), Upload(ones), dw);
        Assert.That(Download(dw), Is.EqualTo(expectedDw));
    }

    /// <summary>
    /// The backward passes are the adjoints of the forward pass in each argument: ⟨Conv2d(x, w), dy⟩ =
    /// ⟨x, BackwardInput(dy, w)⟩ = ⟨w, BackwardWeight(x, dy)⟩, from the backend's results alone.
    /// </summary>
    [Test]
    public void BackwardPasses_AreAdjointsOfTheForwardPass()
    {
        foreach (var geometry in Geometries().Where((_, index) => index % 7 == 0))
        {
            double[] x = Inputs(11, geometry.InputLength, -1, 1), w = Inputs(12, geometry.WeightLength, -1, 1);
            double[] dy = Inputs(13, geometry.OutputLength, -1, 1);
            var (y, dx, dw) = (Allocate(geometry.OutputLength), Allocate(geometry.InputLength), Allocate(geometry.WeightLength));
            Backend.Conv2d(geometry, Upload(x), Upload(w), y);
            Backend.Conv2dBackwardInput(geometry, Upload(dy), Upload(w), dx);
            Backend.Conv2dBackwardWeight(geometry, Upload(x), Upload(dy), dw);
            double forward = Dot(Download(y), dy), throughInput = Dot(x, Download(dx)), throughWeight = Dot(w, Download(dw));
            // Each inner product is a sum of every term w·x·dy once; their absolute sum bounds the rounding.
            double scale = Dot(ConvolutionReference.Conv2d(geometry, Absolute(x), Absolute(w)), Absolute(dy));
            NumericAssert.Close(throughInput, forward, 0, 2 * SumRelative * scale, $"⟨x, dx⟩ against ⟨y, dy⟩ for {geometry}");
            NumericAssert.Close(throughWeight, forward, 0, 2 * SumRelative * scale, $"⟨w, dw⟩ against ⟨y, dy⟩ for {geometry}");
        }
    }

    /// <summary>The fixed summation order of the contract: the same inputs give the same bits on every run.</summary>
    [Test]
    public void ConvolutionPasses_AreBitIdentical_RunToRun()
    {
        var geometry = new ConvolutionGeometry(3, 3, 9, 6, 4, 3, 2, 2, 1, 1, 2);
        // Mixed magnitudes, where any change in summation order would show in the last bits.
        double[] Mixed(int seed, int count) => TestData.RoundTo<T>(TestData.Uniform(seed, count, -1, 1).Select((v, i) => v * Math.Pow(10, i % 5 - 2)).ToArray());
        var (x, w, dy) = (Upload(Mixed(21, geometry.InputLength)), Upload(Mixed(22, geometry.WeightLength)), Upload(Mixed(23, geometry.OutputLength)));
        (T[] Y, T[] Dx, T[] Dw) Run()
        {
            var (y, dx, dw) = (Allocate(geometry.OutputLength), Allocate(geometry.InputLength), Allocate(geometry.WeightLength));
            Backend.Conv2d(geometry, x, w, y);
            Backend.Conv2dBackwardInput(geometry, dy, w, dx);
            Backend.Conv2dBackwardWeight(geometry, x, dy, dw);
            return (DownloadRaw(y), DownloadRaw(dx), DownloadRaw(dw));
        }
        var first = Run();
        for (int repeat = 1; repeat <= 2; repeat++)
        {
            var again = Run();
            NumericAssert.BitIdentical<T>(again.Y, first.Y, $"Conv2d, repeat {repeat}");
            NumericAssert.BitIdentical<T>(again.Dx, first.Dx, $"Conv2dBackwardInput, repeat {repeat}");
            NumericAssert.BitIdentical<T>(again.Dw, first.Dw, $"Conv2dBackwardWeight, repeat {repeat}");
        }
    }

    private static IEnumerable<(int Batch, int Channels, int Pixels)> ChannelLayouts()
    {
        foreach (int batch in new[] { 1, 3 })
            foreach (int channels in new[] { 1, 2, 5 })
                foreach (int pixels in new[] { 1, 7, 35, 54 })
                    yield return (batch, channels, pixels);
    }

    [Test]
    public void AddChannelBias_MatchesReference()
    {
        foreach (var (batch, channels, pixels) in ChannelLayouts())
        {
            int count = batch * channels * pixels;
            double[] x = Inputs(31, count, -2, 2), bias = Inputs(32, channels, -1, 1);
            var buffer = Upload(x);
            Backend.AddChannelBias(buffer, Upload(bias), batch, channels, pixels);
            NumericAssert.AllClose(Download(buffer), ConvolutionReference.AddChannelBias(x, bias, batch, channels, pixels), ElementRelative, 0,
                $"AddChannelBias over [{batch}, {channels}, {pixels}]");
        }
    }

    [Test]
    public void SumPerChannel_MatchesReference([Values] bool accumulate)
    {
        foreach (var (batch, channels, pixels) in ChannelLayouts())
        {
            double[] x = Inputs(33, batch * channels * pixels, -1, 2), before = Inputs(34, channels, -5, 5);
            var y = Upload(before);
            Backend.SumPerChannel(Upload(x), batch, channels, pixels, y, accumulate);
            double[] expected = ConvolutionReference.SumPerChannel(x, batch, channels, pixels);
            double[] scale = ConvolutionReference.SumPerChannel(Absolute(x), batch, channels, pixels);
            if (accumulate) AddPrior(expected, scale, before);
            NumericAssert.AllWithin(Download(y), expected, Allowed(scale), $"SumPerChannel over [{batch}, {channels}, {pixels}] (accumulate {accumulate})");
        }
    }

    /// <summary>A kernel larger than the padded input is refused by every pass, the message naming the primitive and both sizes.</summary>
    [Test]
    public void KernelLargerThanThePaddedInput_IsRefused()
    {
        // 5 × 7 padded by 1 is 7 × 9: a 6 × 10 kernel does not fit across.
        var geometry = new ConvolutionGeometry(1, 2, 5, 7, 3, 6, 10, 1, 1, 1, 1);
        var buffer = Allocate(1000);
        foreach (var (primitive, call) in Passes(geometry, buffer, buffer, buffer))
        {
            var error = Assert.Throws<ArgumentException>(() => call(), primitive)!;
            Assert.That(error.Message, Does.StartWith($"{primitive}:").And.Contain("6 × 10").And.Contain("7 × 9"), primitive);
        }
    }

    /// <summary>Each operand one element short is refused before any work, the message naming the primitive, the operand and both lengths.</summary>
    [Test]
    public void ShortBuffers_AreRefused()
    {
        var geometry = new ConvolutionGeometry(2, 3, 5, 7, 2, 3, 2, 2, 1, 1, 0);
        int[] lengths = [geometry.InputLength, geometry.WeightLength, geometry.OutputLength];
        for (int shortOperand = 0; shortOperand < 3; shortOperand++)
        {
            var buffers = lengths.Select((length, operand) => Filled(operand == shortOperand ? length - 1 : length, 0.5)).ToArray();
            foreach (var (primitive, call) in Passes(geometry, buffers[0], buffers[1], buffers[2]))
            {
                var error = Assert.Throws<ArgumentException>(() => call(), primitive)!;
                int needed = lengths[shortOperand];
                Assert.That(error.Message, Does.StartWith($"{primitive}:").And.Contain($"needs {needed} elements").And.Contain($"has {needed - 1}"), primitive);
            }
        }
        // Nothing was written by the refused calls.
        var untouched = Filled(geometry.OutputLength, 0.5);
        Assert.Throws<ArgumentException>(() => Backend.Conv2d(geometry, Allocate(geometry.InputLength - 1), Filled(geometry.WeightLength, 1), untouched));
        Assert.That(Download(untouched), Is.All.EqualTo(0.5));
    }

    [Test]
    public void ShortChannelBuffers_AreRefused()
    {
        var x = Filled(2 * 3 * 4, 1);
        var error = Assert.Throws<ArgumentException>(() => Backend.AddChannelBias(x, Filled(2, 1), 2, 3, 4))!;
        Assert.That(error.Message, Does.StartWith("AddChannelBias:").And.Contain("'bias'").And.Contain("needs 3 elements"));
        error = Assert.Throws<ArgumentException>(() => Backend.AddChannelBias(Filled(23, 1), Filled(3, 1), 2, 3, 4))!;
        Assert.That(error.Message, Does.StartWith("AddChannelBias:").And.Contain("'x'").And.Contain("needs 24 elements").And.Contain("has 23"));
        error = Assert.Throws<ArgumentException>(() => Backend.SumPerChannel(x, 2, 3, 4, Filled(2, 0)))!;
        Assert.That(error.Message, Does.StartWith("SumPerChannel:").And.Contain("'y'").And.Contain("needs 3 elements"));
        error = Assert.Throws<ArgumentException>(() => Backend.SumPerChannel(Filled(23, 1), 2, 3, 4, Filled(3, 0)))!;
        Assert.That(error.Message, Does.StartWith("SumPerChannel:").And.Contain("'x'").And.Contain("needs 24 elements"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backend.SumPerChannel(x, -1, 3, 4, Filled(3, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backend.AddChannelBias(x, Filled(3, 0), 2, 3, -4));
    }

    /// <summary>
    /// N = 0: the forward pass and the input gradient have nothing to write (buffers of length 0 are accepted, and a
    /// longer buffer is left alone); the weight gradient and the bias gradient are empty sums, 0, or unchanged when
    /// accumulating; adding a bias to no images changes nothing.
    /// </summary>
    [Test]
    public void EmptyBatch_DoesNothingHarmful([Values] bool accumulate)
    {
        var geometry = ConvolutionGeometry.Square(0, 3, 5, 7, 2, 3, 2, 1);
        Assert.That((geometry.InputLength, geometry.OutputLength), Is.EqualTo((0, 0)));
        var w = Filled(geometry.WeightLength, 0.25);
        var (emptyInput, emptyOutput) = (Allocate(0), Allocate(0));
        Backend.Conv2d(geometry, emptyInput, w, emptyOutput);
        var sentinel = Filled(5, 7);
        Backend.Conv2d(geometry, emptyInput, w, sentinel);
        Backend.Conv2dBackwardInput(geometry, emptyOutput, w, sentinel, accumulate);
        Assert.That(Download(sentinel), Is.All.EqualTo(7.0));

        var dw = Filled(geometry.WeightLength, 3);
        Backend.Conv2dBackwardWeight(geometry, emptyInput, emptyOutput, dw, accumulate);
        Assert.That(Download(dw), Is.All.EqualTo(accumulate ? 3.0 : 0.0));

        var bias = Filled(3, 1);
        Backend.AddChannelBias(emptyInput, bias, 0, 3, 35);
        var y = Filled(3, 3);
        Backend.SumPerChannel(emptyInput, 0, 3, 35, y, accumulate);
        Assert.That(Download(y), Is.All.EqualTo(accumulate ? 3.0 : 0.0));
        Assert.That(Download(w), Is.All.EqualTo(0.25));
        Assert.That(Download(bias), Is.All.EqualTo(1.0));
    }

    /// <summary>The three convolution passes over one set of buffers, each with its primitive's name.</summary>
    private IEnumerable<(string Primitive, Action Call)> Passes(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> weight, DeviceBuffer<T> output)
    {
        yield return ("Conv2d", () => Backend.Conv2d(geometry, input, weight, output));
        yield return ("Conv2dBackwardInput", () => Backend.Conv2dBackwardInput(geometry, output, weight, input));
        yield return ("Conv2dBackwardWeight", () => Backend.Conv2dBackwardWeight(geometry, input, output, weight));
    }

    private static double[] Absolute(double[] values) => values.Select(Math.Abs).ToArray();

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Adds the prior contents to the expected values and their magnitudes to the error scale.</summary>
    private static void AddPrior(double[] expected, double[] scale, double[] before)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += before[i];
            scale[i] += Math.Abs(before[i]);
        }
    }

    /// <summary>Per-element allowances: the sum's relative tolerance times Σ|terms| (0 where every term is 0: exact).</summary>
    private static double[] Allowed(double[] scale) => scale.Select(magnitude => SumRelative * magnitude).ToArray();
}
