namespace ScratchVae.Vae.Images;

/// <summary>Ten distinct colours for ten classes (the widely used "category10" set), with names for legends printed as text.</summary>
public static class Palette
{
    /// <summary>Colour k marks class k.</summary>
    public static readonly IReadOnlyList<(byte R, byte G, byte B)> Categories =
    [
        (0x1f, 0x77, 0xb4), (0xff, 0x7f, 0x0e), (0x2c, 0xa0, 0x2c), (0xd6, 0x27, 0x28), (0x94, 0x67, 0xbd),
        (0x8c, 0x56, 0x4b), (0xe3, 0x77, 0xc2), (0x7f, 0x7f, 0x7f), (0xbc, 0xbd, 0x22), (0x17, 0xbe, 0xcf),
    ];

    /// <summary>Plain names of <see cref="Categories"/>, in the same order.</summary>
    public static readonly IReadOnlyList<string> Names = ["blue", "orange", "green", "red", "purple", "brown", "pink", "grey", "olive", "cyan"];

    /// <summary>The colour of class <paramref name="label"/> (classes beyond ten reuse the colours cyclically).</summary>
    public static (byte R, byte G, byte B) Of(int label) => Categories[((label % Categories.Count) + Categories.Count) % Categories.Count];

    /// <summary>"#rrggbb".</summary>
    public static string Hex((byte R, byte G, byte B) colour) => $"#{colour.R:x2}{colour.G:x2}{colour.B:x2}";
}
