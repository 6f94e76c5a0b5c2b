using System.Globalization;
using System.Text;
using System.Xml;

namespace ScratchVae.Vae.Images;

/// <summary>
/// A canvas as an SVG document: a viewBox in picture units, width and height in pixels at the scale; rectangles and
/// lines as such, text as <c>&lt;text&gt;</c> elements in a monospace font of the bitmap font's metrics (class names its
/// <see cref="TextRole"/>), and each greyscale image as an embedded PNG drawn with crisp pixels.
/// </summary>
public static class SvgWriter
{
    /// <summary>The document for <paramref name="canvas"/> at <paramref name="scale"/> pixels per unit.</summary>
    public static string Write(Canvas canvas, int scale)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = new UTF8Encoding(false) };
        using (var xml = XmlWriter.Create(new StringWriterUtf8(text), settings))
        {
            const string ns = "http://www.w3.org/2000/svg";
            xml.WriteStartElement("svg", ns);
            Attribute(xml, "width", canvas.Width * scale);
            Attribute(xml, "height", canvas.Height * scale);
            xml.WriteAttributeString("viewBox", Invariant($"0 0 {canvas.Width} {canvas.Height}"));
            xml.WriteAttributeString("shape-rendering", "crispEdges");
            xml.WriteStartElement("rect", ns);
            xml.WriteAttributeString("width", "100%");
            xml.WriteAttributeString("height", "100%");
            xml.WriteAttributeString("fill", "#ffffff");
            xml.WriteEndElement();
            foreach (var mark in canvas.Marks)
            {
                switch (mark)
                {
                    case RectangleMark r:
                        xml.WriteStartElement("rect", ns);
                        Attribute(xml, "x", r.X);
                        Attribute(xml, "y", r.Y);
                        Attribute(xml, "width", r.Width);
                        Attribute(xml, "height", r.Height);
                        xml.WriteAttributeString("fill", r.Colour.Hex);
                        xml.WriteEndElement();
                        break;
                    case LineMark l:
                        // Through the centres of the end units, as the raster draws it.
                        xml.WriteStartElement("line", ns);
                        xml.WriteAttributeString("x1", Invariant($"{l.X0 + 0.5}"));
                        xml.WriteAttributeString("y1", Invariant($"{l.Y0 + 0.5}"));
                        xml.WriteAttributeString("x2", Invariant($"{l.X1 + 0.5}"));
                        xml.WriteAttributeString("y2", Invariant($"{l.Y1 + 0.5}"));
                        xml.WriteAttributeString("stroke", l.Colour.Hex);
                        Attribute(xml, "stroke-width", l.Thickness);
                        xml.WriteAttributeString("stroke-linecap", "square");
                        xml.WriteEndElement();
                        break;
                    case TextMark t:
                        WriteText(xml, ns, t);
                        break;
                    case ImageMark m:
                        xml.WriteStartElement("image", ns);
                        Attribute(xml, "x", m.X);
                        Attribute(xml, "y", m.Y);
                        Attribute(xml, "width", m.ImageWidth * m.PixelSize);
                        Attribute(xml, "height", m.ImageHeight * m.PixelSize);
                        xml.WriteAttributeString("preserveAspectRatio", "none");
                        xml.WriteAttributeString("style", "image-rendering:pixelated");
                        xml.WriteAttributeString("href", "data:image/png;base64," + Convert.ToBase64String(PngWriter.EncodeGray(m.Grey, m.ImageWidth, m.ImageHeight)));
                        xml.WriteEndElement();
                        break;
                }
            }
            xml.WriteEndElement();
        }
        return text.ToString();
    }

    private static void WriteText(XmlWriter xml, string ns, TextMark t)
    {
        // A monospace font at 10 units per size advances 0.6 em = 6 units a character and stands about 7 units above
        // its baseline, as the bitmap font does; the baseline is the font's Ascent below the cells' top.
        xml.WriteStartElement("text", ns);
        xml.WriteAttributeString("class", t.Role switch
        {
            TextRole.Title => "title", TextRole.Subtitle => "subtitle", TextRole.AxisTitle => "axis-title",
            TextRole.Tick => "tick", TextRole.Legend => "legend", _ => "label",
        });
        Attribute(xml, "x", t.X);
        Attribute(xml, "y", t.Y + BitmapFont.Ascent * t.Size);
        if (t.Vertical) xml.WriteAttributeString("transform", Invariant($"rotate(-90 {t.X} {t.Y})"));
        xml.WriteAttributeString("font-family", "monospace");
        Attribute(xml, "font-size", 10 * t.Size);
        if (t.Anchor != TextAnchor.Start) xml.WriteAttributeString("text-anchor", t.Anchor == TextAnchor.Middle ? "middle" : "end");
        xml.WriteAttributeString("fill", t.Colour.Hex);
        xml.WriteAttributeString("xml", "space", null, "preserve");
        xml.WriteString(t.Text);
        xml.WriteEndElement();
    }

    private static void Attribute(XmlWriter xml, string name, int value) => xml.WriteAttributeString(name, value.ToString(CultureInfo.InvariantCulture));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // XmlWriter over a StringBuilder declares UTF-16 unless the writer says UTF-8.
    private sealed class StringWriterUtf8(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
