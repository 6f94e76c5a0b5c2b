using System.Xml.Linq;

namespace ScratchVae.Tests.Vae.Support;

/// <summary>Reads back the SVG documents this program writes, for tests: the size, the text elements by class, the images.</summary>
public sealed class SvgFile
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly XDocument _document;

    private SvgFile(XDocument document) => _document = document;

    /// <summary>Width in pixels.</summary>
    public int Width => (int)_document.Root!.Attribute("width")!;

    /// <summary>Height in pixels.</summary>
    public int Height => (int)_document.Root!.Attribute("height")!;

    /// <summary>The image elements.</summary>
    public IReadOnlyList<XElement> Images => _document.Descendants(Svg + "image").ToList();

    /// <summary>The rect elements, the background left out.</summary>
    public IReadOnlyList<XElement> Rectangles => _document.Descendants(Svg + "rect").Skip(1).ToList();

    /// <summary>The contents of the text elements of class <paramref name="role"/>, in document order.</summary>
    public IReadOnlyList<string> Texts(string role) =>
        _document.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == role).Select(t => t.Value).ToList();

    /// <summary>Parses <paramref name="path"/> as XML (a malformed document fails the test) with an svg root.</summary>
    public static SvgFile Read(string path)
    {
        var document = XDocument.Load(path);
        Assert.That(document.Root!.Name, Is.EqualTo(Svg + "svg"), $"{path} is not an SVG document");
        return new SvgFile(document);
    }
}
