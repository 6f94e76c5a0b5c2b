using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Images;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Demonstrations;

/// <summary>The pictures of the demonstrations: the manifold's layout, the scatter's colours, the axes' ticks.</summary>
[TestFixture]
public class FigureTests
{
    [Test]
    public void ManifoldPutsZ1LeftToRightAndZ2BottomToTop()
    {
        var options = new VaeOptions { InputSize = 9, HiddenSizes = [5], LatentSize = 2 };
        using var model = new VaeModel<float>(options, Device.Host, seed: 3);
        const int grid = 3;
        const double extent = 2;
        var tiles = LatentPictures.Manifold(model, grid, extent);
        float[] Decode(float z1, float z2)
        {
            using var scope = Tape.NoGrad();
            using var z = Tensor<float>.FromArray(new[] { z1, z2 }, Shape.Matrix(1, 2));
            return model.DecodeMeans(Var<float>.Constant(z)).Value.ToArray();
        }
        // Tile (row, column) holds z = (−e + e·column, e − e·row).
        foreach (var (row, column) in new[] { (0, 0), (0, 2), (1, 1), (2, 0), (2, 1) })
        {
            var expected = Decode((float)(-extent + extent * column), (float)(extent - extent * row));
            var actual = tiles.AsSpan((row * grid + column) * 9, 9).ToArray();
            Assert.That(actual, Is.EqualTo(expected).Within(1e-6), $"tile ({row}, {column})");
        }
    }

    [Test]
    public void ScatterDrawsOneDotPerPointInItsLabelsColour()
    {
        int Count(Canvas canvas, Colour colour)
        {
            int n = 0;
            for (int y = 0; y < canvas.Height; y++)
                for (int x = 0; x < canvas.Width; x++)
                    if (canvas[x, y] == colour) n++;
            return n;
        }
        float[] points = [0.5f, 0.5f, -0.5f, -0.25f, 1f, -1f];
        byte[] labels = [3, 3, 8];
        var withDots = LatentPictures.DrawScatter(points, labels);
        var legendOnly = LatentPictures.DrawScatter([2f, 2f], [0]);
        // Each dot is 3 × 3 pixels on top of the legend swatch of its colour.
        Assert.That(Count(withDots, Colour.Categories[3]) - Count(legendOnly, Colour.Categories[3]), Is.EqualTo(2 * 9));
        Assert.That(Count(withDots, Colour.Categories[8]) - Count(legendOnly, Colour.Categories[8]), Is.EqualTo(9));
        Assert.That(Count(withDots, Colour.Categories[5]), Is.EqualTo(Count(legendOnly, Colour.Categories[5])));
    }

    [Test]
    public void CurvesDrawBothSeries()
    {
        var history = Enumerable.Range(1, 5).Select(e => new EpochMetrics(e, 200 - 10 * e, 190 - 10 * e, 170 - 12 * e, 10 + e, 1)).ToList();
        var canvas = CurvePicture.DrawTerms(history);
        int reconstruction = 0, kl = 0;
        for (int y = 0; y < canvas.Height; y++)
            for (int x = 0; x < canvas.Width; x++)
            {
                if (canvas[x, y] == CurvePicture.ReconstructionColour) reconstruction++;
                if (canvas[x, y] == CurvePicture.KlColour) kl++;
            }
        // Five 5 × 5 dots and four 2-pixel-wide segments each, at least.
        Assert.That(reconstruction, Is.GreaterThan(5 * 25));
        Assert.That(kl, Is.GreaterThan(5 * 25));
    }

    [TestCase(0.4, 0.5)]
    [TestCase(3.0, 5.0)]
    [TestCase(0.07, 0.1)]
    [TestCase(20.0, 20.0)]
    [TestCase(11.0, 20.0)]
    public void NiceStepIsOneTwoOrFiveTimesAPowerOfTen(double rough, double expected)
    {
        Assert.That(Axis.NiceStep(rough), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void AxisEndsOnTicksAndMapsThemToTheEndPixels()
    {
        var axis = new Axis(-3.7, 4.2, 100, 500, ticks: 4);
        Assert.That(axis.Step, Is.EqualTo(2.0));
        Assert.That((axis.Minimum, axis.Maximum), Is.EqualTo((-4.0, 6.0)));
        Assert.That(axis.Ticks().Select(axis.Label), Is.EqualTo(new[] { "-4", "-2", "0", "2", "4", "6" }));
        Assert.That((axis.Pixel(-4), axis.Pixel(6), axis.Pixel(1)), Is.EqualTo((100, 500, 300)));
    }
}
