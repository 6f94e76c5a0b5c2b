namespace ScratchVae.Vae.Demonstrations.Figures;

/// <summary>
/// A 3 × 5 pixel font of capitals, digits and a little punctuation, enough for axis ticks, titles and legends
/// (lower-case letters are drawn as capitals). Each glyph is five rows of three cells, '#' for ink.
/// </summary>
public static class PixelFont
{
    /// <summary>Glyph width in cells.</summary>
    public const int Width = 3;

    /// <summary>Glyph height in cells.</summary>
    public const int Height = 5;

    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['0'] = ["###", "#.#", "#.#", "#.#", "###"], ['1'] = [".#.", "##.", ".#.", ".#.", "###"],
        ['2'] = ["###", "..#", "###", "#..", "###"], ['3'] = ["###", "..#", ".##", "..#", "###"],
        ['4'] = ["#.#", "#.#", "###", "..#", "..#"], ['5'] = ["###", "#..", "###", "..#", "###"],
        ['6'] = ["###", "#..", "###", "#.#", "###"], ['7'] = ["###", "..#", "..#", ".#.", ".#."],
        ['8'] = ["###", "#.#", "###", "#.#", "###"], ['9'] = ["###", "#.#", "###", "..#", "###"],
        ['A'] = [".#.", "#.#", "###", "#.#", "#.#"], ['B'] = ["##.", "#.#", "##.", "#.#", "##."],
        ['C'] = [".##", "#..", "#..", "#..", ".##"], ['D'] = ["##.", "#.#", "#.#", "#.#", "##."],
        ['E'] = ["###", "#..", "##.", "#..", "###"], ['F'] = ["###", "#..", "##.", "#..", "#.."],
        ['G'] = [".##", "#..", "#.#", "#.#", ".##"], ['H'] = ["#.#", "#.#", "###", "#.#", "#.#"],
        ['I'] = ["###", ".#.", ".#.", ".#.", "###"], ['J'] = ["..#", "..#", "..#", "#.#", ".#."],
        ['K'] = ["#.#", "#.#", "##.", "#.#", "#.#"], ['L'] = ["#..", "#..", "#..", "#..", "###"],
        ['M'] = ["#.#", "###", "###", "#.#", "#.#"], ['N'] = ["##.", "#.#", "#.#", "#.#", "#.#"],
        ['O'] = [".#.", "#.#", "#.#", "#.#", ".#."], ['P'] = ["##.", "#.#", "##.", "#..", "#.."],
        ['Q'] = [".#.", "#.#", "#.#", "##.", ".##"], ['R'] = ["##.", "#.#", "##.", "#.#", "#.#"],
        ['S'] = [".##", "#..", ".#.", "..#", "##."], ['T'] = ["###", ".#.", ".#.", ".#.", ".#."],
        ['U'] = ["#.#", "#.#", "#.#", "#.#", "###"], ['V'] = ["#.#", "#.#", "#.#", "#.#", ".#."],
        ['W'] = ["#.#", "#.#", "###", "###", "#.#"], ['X'] = ["#.#", "#.#", ".#.", "#.#", "#.#"],
        ['Y'] = ["#.#", "#.#", ".#.", ".#.", ".#."], ['Z'] = ["###", "..#", ".#.", "#..", "###"],
        ['.'] = ["...", "...", "...", "...", ".#."], ['-'] = ["...", "...", "###", "...", "..."],
        ['+'] = ["...", ".#.", "###", ".#.", "..."], ['='] = ["...", "###", "...", "###", "..."],
        ['('] = ["..#", ".#.", ".#.", ".#.", "..#"], [')'] = ["#..", ".#.", ".#.", ".#.", "#.."],
        [':'] = ["...", ".#.", "...", ".#.", "..."], ['/'] = ["..#", "..#", ".#.", "#..", "#.."],
        [','] = ["...", "...", "...", ".#.", "#.."], [' '] = ["...", "...", "...", "...", "..."],
    };

    /// <summary>True when cell (<paramref name="column"/>, <paramref name="row"/>) of <paramref name="character"/> is ink; unknown characters draw as blanks.</summary>
    public static bool IsInk(char character, int column, int row)
    {
        if (!Glyphs.TryGetValue(char.ToUpperInvariant(character), out var glyph)) return false;
        return glyph[row][column] == '#';
    }

    /// <summary>The width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/> (one blank cell between glyphs).</summary>
    public static int MeasureWidth(string text, int scale) => text.Length == 0 ? 0 : (text.Length * (Width + 1) - 1) * scale;
}
