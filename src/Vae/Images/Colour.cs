
namespace ScratchVae.Vae.Images;

/// <summary>An 8-bit RGB colour.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
public readonly record struct Colour(byte R, byte G, byte B)
{
    /// <summary>Black.</summary>
    public static Colour Black => new(0, 0, 0);
    /// <summary>Light grey, for grid lines.</summary>
    public static Colour Grid => new(225, 225, 225);
    /// <summary>White.</summary>
    public static Colour White => new(255, 255, 255);
    /// <summary>Mid grey, between the tiles of an image grid.</summary>
    public static Colour Border => new(128, 128, 128);
    /// <summary>Dark grey, for secondary text.</summary>
    public static Colour Muted => new(90, 90, 90);

    /// <summary>"#rrggbb".</summary>
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    /// <summary>The ten class colours of <see cref="Palette"/> (blue, orange, green, red, purple, brown, pink, grey, olive, cyan).</summary>
    public static IReadOnlyList<Colour> Categories { get; } = Palette.Categories.Select(c => new Colour(c.R, c.G, c.B)).ToList();
}
