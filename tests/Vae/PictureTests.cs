using System.Xml.Linq;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Images;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The picture stack: the bitmap font drawn pixel for pixel, text kept as text in SVG, the same drawing at every scale,
/// PNG files that decode to the canvas, and charts that carry their title, axis titles, ticks and legend.
/// </summary>
[TestFixture]
public class PictureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Test]
    public void TheFontCoversAsciiTheMathsGreekAndSubscriptDigits()
    {
        for (char c = ' '; c <= '~'; c++) Assert.That(BitmapFont.Covers(c), Is.True, $"'{c}'");
        foreach (char c in "μσβεαθλπφΦΣ−×·≈∼≤≥→±‖…₀₁₂₃₄₅₆₇₈₉⁰¹²⁻") Assert.That(BitmapFont.Covers(c), Is.True, $"'{c}'");
        Assert.That(BitmapFont.Covers('€'), Is.False);
    }

    [Test]
    public void NoTwoGlyphsAreAlikeAndOnlySpaceIsBlank()
    {
        string Bits(char c) => string.Concat(Enumerable.Range(0, BitmapFont.Height * BitmapFont.GlyphWidth)
            .Select(i => BitmapFont.IsInk(c, i % BitmapFont.GlyphWidth, i / BitmapFont.GlyphWidth) ? '#' : '.'));
        var seen = new Dictionary<string, char>();
        foreach (char c in BitmapFont.Characters)
        {
            string bits = Bits(c);
            if (c == ' ') { Assert.That(bits, Does.Not.Contain("#")); continue; }
            Assert.That(bits, Does.Contain("#"), $"'{c}' is blank");
            Assert.That(seen.TryAdd(bits, c), Is.True, $"'{c}' looks like '{(seen.TryGetValue(bits, out var other) ? other : ' ')}'");
        }
    }

    [Test]
    public void DescendersReachBelowTheBaselineAndNothingElseDoes()
    {
        const string descending = "gjpqy,;βγμφ₀₁₂₃₄₅₆₇₈₉";
        foreach (char c in BitmapFont.Characters)
        {
            bool below = Enumerable.Range(BitmapFont.Ascent, BitmapFont.Height - BitmapFont.Ascent)
                .Any(row => Enumerable.Range(0, BitmapFont.GlyphWidth).Any(column => BitmapFont.IsInk(c, column, row)));
            Assert.That(below, Is.EqualTo(descending.Contains(c)), $"'{c}'");
        }
        // Lower case stands lower than capitals: 'a' has no ink in the two top rows, 'A' and 'b' do.
        bool TopInk(char c) => Enumerable.Range(0, BitmapFont.GlyphWidth).Any(column => BitmapFont.IsInk(c, column, 0) || BitmapFont.IsInk(c, column, 1));
        Assert.That((TopInk('a'), TopInk('A'), TopInk('b')), Is.EqualTo((false, true, true)));
    }

    [TestCase(1)]
    [TestCase(3)]
    public void TextIsDrawnCellForCellFromTheGlyphs(int scale)
    {
        const string text = "Hi μ₁, β=0.5";
        var canvas = new Canvas(BitmapFont.MeasureWidth(text) + 4, BitmapFont.Height + 4);
        canvas.Text(2, 2, text, Colour.Black);
        var image = canvas.Render(scale);
        Assert.That((image.Width, image.Height), Is.EqualTo((canvas.Width * scale, canvas.Height * scale)));
        Assert.That(BitmapFont.MeasureWidth(text), Is.EqualTo(6 * text.Length - 1), "6 cells a character, no gap after the last");
        for (int py = 0; py < image.Height; py++)
            for (int px = 0; px < image.Width; px++)
            {
                int x = px / scale - 2, y = py / scale - 2;
                int glyph = x >= 0 ? x / BitmapFont.Advance : -1, column = x >= 0 ? x % BitmapFont.Advance : -1;
                bool ink = glyph >= 0 && glyph < text.Length && y >= 0 && BitmapFont.IsInk(text[glyph], column, y);
                Assert.That(image[px, py], Is.EqualTo(ink ? Colour.Black : Colour.White), $"pixel ({px}, {py})");
            }
    }

    [Test]
    public void KnownGlyphsHaveTheirShapes()
    {
        // The ink in each pixel column of "Ll" drawn at scale 1, against the shapes as a reader knows them.
        var canvas = new Canvas(11, 9);
        canvas.Text(0, 0, "Ll", Colour.Black);
        int[] InkPerColumn(int from) => Enumerable.Range(from, 5).Select(x => Enumerable.Range(0, 9).Count(y => canvas[x, y] == Colour.Black)).ToArray();
        Assert.That(InkPerColumn(0), Is.EqualTo(new[] { 7, 1, 1, 1, 1 }), "'L': a stem and a foot");
        Assert.That(InkPerColumn(6), Is.EqualTo(new[] { 0, 2, 7, 1, 0 }), "'l': a flag, a stem, a foot");
        Assert.That(Enumerable.Range(0, 11).Select(x => canvas[x, 8]).All(c => c == Colour.White), Is.True, "no descender");
    }

    [Test]
    public void VerticalTextIsTheHorizontalTextTurnedAQuarterLeft()
    {
        var flat = new Canvas(40, 9);
        flat.Text(0, 0, "z₂ab", Colour.Black);
        var turned = new Canvas(9, 40);
        turned.Text(0, 40, "z₂ab", Colour.Black, vertical: true);
        for (int y = 0; y < 9; y++)
            for (int x = 0; x < 40; x++)
                Assert.That(turned[y, 39 - x], Is.EqualTo(flat[x, y]), $"({x}, {y})");
    }

    [Test]
    public void APngSaveDecodesToTheRenderedPixelsAtItsScale()
    {
        using var folder = new TemporaryFolder();
        var canvas = new Canvas(30, 20);
        canvas.FillRectangle(3, 4, 5, 6, Colour.Categories[2]);
        canvas.Line(0, 19, 29, 0, Colour.Categories[3], 2);
        canvas.Text(10, 2, "σ²", Colour.Black);
        canvas.Image(20, 10, [0f, 0.5f, 1f, 0.25f], 2, 2, pixelSize: 3);
        foreach (int scale in new[] { 1, 2, 5 })
        {
            string path = folder[$"c{scale}.png"];
            canvas.Save(path, scale);
            var png = PngFile.Read(path);
            var image = canvas.Render(scale);
            Assert.That((png.Width, png.Height, png.Channels), Is.EqualTo((30 * scale, 20 * scale, 3)));
            Assert.That(png.Pixels, Is.EqualTo(image.Rgb), $"scale {scale}");
            Assert.That(png.At((20 + 3) * scale, (10 + 0) * scale)[0], Is.EqualTo(128), "image value 0.5 at its 3 × 3 cell");
        }
        var grey = new Canvas(4, 2);
        grey.Image(0, 0, [0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f, 0.5f, 0.1f], 4, 2);
        grey.Save(folder["grey.png"]);
        var greyPng = PngFile.Read(folder["grey.png"]);
        Assert.That(greyPng.Channels, Is.EqualTo(1), "a picture without colour is saved as greyscale");
        Assert.That(greyPng.Pixels, Is.EqualTo(new byte[] { 0, 51, 102, 153, 204, 255, 128, 26 }));
    }

    [Test]
    public void SvgKeepsTextAsTextAndImagesAsEmbeddedPngs()
    {
        using var folder = new TemporaryFolder();
        var canvas = new Canvas(60, 40);
        canvas.Heading("A title: μ and σ", "sub & <text>");
        canvas.Image(5, 30, [0f, 1f], 2, 1, 2);
        canvas.Text(30, 20, "z₂", Colour.Black, role: TextRole.AxisTitle, vertical: true);
        string path = folder["c.svg"];
        canvas.Save(path, scale: 4);
        var document = XDocument.Load(path);
        var root = document.Root!;
        Assert.That(((string?)root.Attribute("width"), (string?)root.Attribute("height"), (string?)root.Attribute("viewBox")), Is.EqualTo(("240", "160", "0 0 60 40")));
        var texts = root.Descendants(Svg + "text").ToList();
        Assert.That(texts.Select(t => ((string?)t.Attribute("class"), t.Value)), Is.EqualTo(new[] { ("title", "A title: μ and σ"), ("subtitle", "sub & <text>"), ("axis-title", "z₂") }));
        Assert.That((string?)texts[2].Attribute("transform"), Is.EqualTo("rotate(-90 30 20)"));
        string href = (string)root.Descendants(Svg + "image").Single().Attribute("href")!;
        Assert.That(href, Does.StartWith("data:image/png;base64,"));
        string png = folder["embedded.png"];
        File.WriteAllBytes(png, Convert.FromBase64String(href["data:image/png;base64,".Length..]));
        var embedded = PngFile.Read(png);
        Assert.That((embedded.Width, embedded.Height, embedded.Pixels), Is.EqualTo((2, 1, new byte[] { 0, 255 })));
    }

    [Test]
    public void ASaveIsAtomicAndRefusesOtherFormats()
    {
        using var folder = new TemporaryFolder();
        var canvas = new Canvas(4, 4);
        Assert.Throws<ArgumentException>(() => canvas.Save(folder["c.jpg"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => canvas.Save(folder["c.png"], 9));
        canvas.Save(folder["c.PNG"]);
        canvas.Save(folder["c.Svg"]);
        Assert.That(Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "c.PNG", "c.Svg" }), "no temporary files left");
    }

    [Test]
    public void TheLossChartCarriesItsTitleAxesTicksAndLegend()
    {
        var history = Enumerable.Range(1, 6).Select(e => new EpochMetrics(e, 200 - 10 * e, 195 - 9 * e, 170 - 9 * e, 25, 1)).ToList();
        var document = XDocument.Parse(CurvePicture.DrawLoss(history).ToSvg());
        List<string> Texts(string role) => document.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == role).Select(t => t.Value).ToList();
        Assert.That(Texts("title"), Is.EqualTo(new[] { "Loss per epoch: −ELBO" }));
        Assert.That(Texts("axis-title"), Is.EqualTo(new[] { "epoch", "nats per image" }));
        Assert.That(Texts("legend"), Is.EqualTo(new[] { "train", "test" }));
        // y ticks from 140 to 190 by 10 (the data span 140–190), epochs 0 to 6 by 2.
        Assert.That(Texts("tick"), Is.EqualTo(new[] { "140", "150", "160", "170", "180", "190", "0", "2", "4", "6" }));
        var terms = XDocument.Parse(CurvePicture.DrawTerms(history).ToSvg());
        Assert.That(terms.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "legend").Select(t => t.Value),
            Is.EqualTo(new[] { "reconstruction −log p(x|z) (left)", "KL(q(z|x) ‖ p(z)) (right)" }));
    }

    [Test]
    public void EveryCharacterThePicturesWriteIsInTheFont()
    {
        var history = Enumerable.Range(1, 3).Select(e => new EpochMetrics(e, 200 - 10 * e, 195 - 9 * e, 170 - 9 * e, 25, 1)).ToList();
        var canvases = new[]
        {
            CurvePicture.DrawLoss(history), CurvePicture.DrawTerms(history),
            LatentPictures.DrawScatter([0.5f, -1f, 2f, 0.25f], [3, 7]),
            Pictures.ManifoldGrid([-1.5, 0, 1.5], [1.5, 0, -1.5], 4, 4, "z = Φ⁻¹ of an even grid in (0, 1)², z₃ … z₂₀ held at 0").Draw([]),
            Pictures.InterpolationGrid(5, 4, 4, 12, 345).Draw([]), Pictures.ReconstructionGrid(9, 4, 4).Draw([]), Pictures.SampleGrid(9, 3, 4, 4).Draw([]),
        };
        foreach (var text in canvases.SelectMany(c => c.Marks.OfType<TextMark>()))
            Assert.That(text.Text.Where(c => !BitmapFont.Covers(c)), Is.Empty, $"'{text.Text}'");
    }
}
