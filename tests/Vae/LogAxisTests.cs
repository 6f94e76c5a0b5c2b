using ScratchVae.Vae.Images;

namespace ScratchVae.Tests.Vae;

/// <summary>The logarithmic axis: whole decades, equal ratios at equal distances, a tick and a label per power of ten.</summary>
[TestFixture]
public class LogAxisTests
{
    [Test]
    public void ItWidensToWholeDecadesAndPlacesRatiosEvenly()
    {
        // 0.3 … 2000 widens to 0.1 … 10⁴: five decades over 400 pixels, 80 each.
        var axis = Axis.Log(0.3, 2000, 0, 400);
        Assert.That(axis.Logarithmic, Is.True);
        Assert.That(axis.Minimum, Is.EqualTo(0.1).Within(1e-12));
        Assert.That(axis.Maximum, Is.EqualTo(10_000).Within(1e-9));
        Assert.That(axis.Pixel(0.1), Is.EqualTo(0));
        Assert.That(axis.Pixel(1), Is.EqualTo(80));
        Assert.That(axis.Pixel(100), Is.EqualTo(240));
        Assert.That(axis.Pixel(10_000), Is.EqualTo(400));
        Assert.That(axis.Pixel(Math.Sqrt(10)), Is.EqualTo(120), "half a decade above 1");
        Assert.That(axis.Pixel(0), Is.EqualTo(0), "no place for 0: the axis's start");
        Assert.That(axis.Ticks().ToArray(), Is.EqualTo(new[] { 0.1, 1, 10, 100, 1000, 10_000 }).Within(1e-9));
        Assert.That(axis.Ticks().Select(axis.Label).ToArray(), Is.EqualTo(new[] { "0.1", "1", "10", "100", "1000", "10000" }));
    }

    [Test]
    public void AVerticalAxisGrowsUpwardsAndSmallValuesGetTheirDecimals()
    {
        var axis = Axis.Log(0.004, 0.05, 300, 100); // 10⁻³ … 10⁻¹ from the bottom (300) up
        Assert.That(axis.Pixel(0.001), Is.EqualTo(300));
        Assert.That(axis.Pixel(0.01), Is.EqualTo(200));
        Assert.That(axis.Pixel(0.1), Is.EqualTo(100));
        Assert.That(axis.Ticks().Select(axis.Label).ToArray(), Is.EqualTo(new[] { "0.001", "0.01", "0.1" }));
        Assert.That(Axis.Log(1e6, 1e7, 0, 10).Label(1e6), Is.EqualTo("1e6"));
    }

    [Test]
    public void ARangeInsideOneDecadeStillSpansOneAndBadEndsFallBack()
    {
        var one = Axis.Log(10, 10, 0, 100);
        Assert.That((one.Minimum, one.Maximum), Is.EqualTo((10.0, 100.0)));
        var bad = Axis.Log(-1, double.NaN, 0, 100);
        Assert.That((bad.Minimum, bad.Maximum), Is.EqualTo((1.0, 10.0)));
    }

    [Test]
    public void ALogLogFrameDrawsATickLabelPerDecade()
    {
        var canvas = new Canvas(300, 200);
        var frame = new Frame(canvas, 40, 10, 290, 170, (0.5, 50), (2, 300), logX: true, logY: true);
        frame.DrawAxes();
        var labels = canvas.Marks.OfType<TextMark>().Where(t => t.Role == TextRole.Tick).Select(t => t.Text).ToList();
        Assert.That(labels, Is.EqualTo(new[] { "1", "10", "100", "1000", "0.1", "1", "10", "100" }), "y ticks 1 … 1000, then x ticks 0.1 … 100");
    }
}
