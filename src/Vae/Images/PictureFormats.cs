namespace ScratchVae.Vae.Images;

/// <summary>The file formats a picture is saved in.</summary>
public enum PictureFormat
{
    /// <summary>Neither: the name ends in something else.</summary>
    Unknown,
    /// <summary>An RGB PNG.</summary>
    Png,
    /// <summary>An SVG document with the text as text elements.</summary>
    Svg,
}

/// <summary>Which format a file name asks for.</summary>
public static class PictureFormats
{
    /// <summary>PNG for a name ending in .png, SVG for .svg (any case), otherwise <see cref="PictureFormat.Unknown"/>.</summary>
    public static PictureFormat Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) return PictureFormat.Png;
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)) return PictureFormat.Svg;
        return PictureFormat.Unknown;
    }
}
