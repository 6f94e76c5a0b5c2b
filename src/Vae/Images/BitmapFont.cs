namespace ScratchVae.Vae.Images;

/// <summary>
/// The pictures' font: 5 × 9 cells per glyph (capitals and digits 7 rows high, lower case 5 rows high with ascenders,
/// descenders 2 rows below the baseline), drawn on a 6-cell advance so that a string of n characters is 6n − 1 cells
/// wide. It covers printable ASCII, the Greek letters of the math (α β γ δ ε θ λ μ π σ φ Φ Σ), a few symbols
/// (− × · ≈ ∼ ≤ ≥ → ± ‖ …) and sub- and superscript digits (z₁, σ², Φ⁻¹). Each glyph is data: rows of five cells,
/// '#' for ink, separated by spaces; rows left out at the bottom are blank.
/// </summary>
public static class BitmapFont
{
    /// <summary>Glyph width in cells.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Glyph height in cells, descenders included.</summary>
    public const int Height = 9;

    /// <summary>Rows above the baseline (the capitals' height).</summary>
    public const int Ascent = 7;

    /// <summary>Cells from one glyph's left edge to the next one's.</summary>
    public const int Advance = GlyphWidth + 1;

    private static readonly Dictionary<char, string> Shapes = new()
    {
        [' '] = "", ['!'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..", ['"'] = ".#.#. .#.#. .#.#.",
        ['#'] = ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.", ['$'] = "..#.. .#### #.#.. .###. ..#.# ####. ..#..",
        ['%'] = "##... ##..# ...#. ..#.. .#... #..## ...##", ['&'] = ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
        ['\''] = "..#.. ..#.. .#...", ['('] = "...#. ..#.. .#... .#... .#... ..#.. ...#.", [')'] = ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
        ['*'] = "..... ..#.. #.#.# .###. #.#.# ..#.. .....", ['+'] = "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
        [','] = "..... ..... ..... ..... ..... .##.. ..#.. .#...", ['-'] = "..... ..... ..... .###. ..... ..... .....",
        ['.'] = "..... ..... ..... ..... ..... .##.. .##..", ['/'] = "..... ....# ...#. ..#.. .#... #.... .....",
        ['0'] = ".###. #...# #..## #.#.# ##..# #...# .###.", ['1'] = "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
        ['2'] = ".###. #...# ....# ...#. ..#.. .#... #####", ['3'] = "##### ...#. ..#.. ...#. ....# #...# .###.",
        ['4'] = "...#. ..##. .#.#. #..#. ##### ...#. ...#.", ['5'] = "##### #.... ####. ....# ....# #...# .###.",
        ['6'] = "..##. .#... #.... ####. #...# #...# .###.", ['7'] = "##### ....# ...#. ..#.. .#... .#... .#...",
        ['8'] = ".###. #...# #...# .###. #...# #...# .###.", ['9'] = ".###. #...# #...# .#### ....# ...#. .##..",
        [':'] = "..... .##.. .##.. ..... .##.. .##.. .....", [';'] = "..... ..... .##.. .##.. ..... .##.. ..#.. .#...",
        ['<'] = "...#. ..#.. .#... #.... .#... ..#.. ...#.", ['='] = "..... ..... ##### ..... ##### ..... .....",
        ['>'] = ".#... ..#.. ...#. ....# ...#. ..#.. .#...", ['?'] = ".###. #...# ....# ...#. ..#.. ..... ..#..",
        ['@'] = ".###. #...# ....# .##.# #.#.# #.#.# .###.",
        ['A'] = ".###. #...# #...# ##### #...# #...# #...#", ['B'] = "####. #...# #...# ####. #...# #...# ####.",
        ['C'] = ".###. #...# #.... #.... #.... #...# .###.", ['D'] = "###.. #..#. #...# #...# #...# #..#. ###..",
        ['E'] = "##### #.... #.... ####. #.... #.... #####", ['F'] = "##### #.... #.... ####. #.... #.... #....",
        ['G'] = ".###. #...# #.... #.### #...# #...# .####", ['H'] = "#...# #...# #...# ##### #...# #...# #...#",
        ['I'] = ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.", ['J'] = "..### ...#. ...#. ...#. ...#. #..#. .##..",
        ['K'] = "#...# #..#. #.#.. ##... #.#.. #..#. #...#", ['L'] = "#.... #.... #.... #.... #.... #.... #####",
        ['M'] = "#...# ##.## #.#.# #.#.# #...# #...# #...#", ['N'] = "#...# #...# ##..# #.#.# #..## #...# #...#",
        ['O'] = ".###. #...# #...# #...# #...# #...# .###.", ['P'] = "####. #...# #...# ####. #.... #.... #....",
        ['Q'] = ".###. #...# #...# #...# #.#.# #..#. .##.#", ['R'] = "####. #...# #...# ####. #.#.. #..#. #...#",
        ['S'] = ".#### #.... #.... .###. ....# ....# ####.", ['T'] = "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
        ['U'] = "#...# #...# #...# #...# #...# #...# .###.", ['V'] = "#...# #...# #...# #...# #...# .#.#. ..#..",
        ['W'] = "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.", ['X'] = "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
        ['Y'] = "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..", ['Z'] = "##### ....# ...#. ..#.. .#... #.... #####",
        ['['] = ".###. .#... .#... .#... .#... .#... .###.", ['\\'] = "..... #.... .#... ..#.. ...#. ....# .....",
        [']'] = ".###. ...#. ...#. ...#. ...#. ...#. .###.", ['^'] = "..#.. .#.#. #...#",
        ['_'] = "..... ..... ..... ..... ..... ..... #####", ['`'] = ".#... ..#..",
        ['a'] = "..... ..... .###. ....# .#### #...# .####", ['b'] = "#.... #.... #.##. ##..# #...# #...# ####.",
        ['c'] = "..... ..... .###. #.... #.... #...# .###.", ['d'] = "....# ....# .##.# #..## #...# #...# .####",
        ['e'] = "..... ..... .###. #...# ##### #.... .###.", ['f'] = "..##. .#..# .#... ###.. .#... .#... .#...",
        ['g'] = "..... ..... .#### #...# #...# #...# .#### ....# .###.", ['h'] = "#.... #.... #.##. ##..# #...# #...# #...#",
        ['i'] = "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.", ['j'] = "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",
        ['k'] = "#.... #.... #..#. #.#.. ##... #.#.. #..#.", ['l'] = ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
        ['m'] = "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#", ['n'] = "..... ..... #.##. ##..# #...# #...# #...#",
        ['o'] = "..... ..... .###. #...# #...# #...# .###.", ['p'] = "..... ..... ####. #...# #...# #...# ####. #.... #....",
        ['q'] = "..... ..... .#### #...# #...# #...# .#### ....# ....#", ['r'] = "..... ..... #.##. ##..# #.... #.... #....",
        ['s'] = "..... ..... .###. #.... .###. ....# ####.", ['t'] = ".#... .#... ###.. .#... .#... .#..# ..##.",
        ['u'] = "..... ..... #...# #...# #...# #..## .##.#", ['v'] = "..... ..... #...# #...# #...# .#.#. ..#..",
        ['w'] = "..... ..... #...# #...# #.#.# #.#.# .#.#.", ['x'] = "..... ..... #...# .#.#. ..#.. .#.#. #...#",
        ['y'] = "..... ..... #...# #...# #...# #...# .#### ....# .###.", ['z'] = "..... ..... ##### ...#. ..#.. .#... #####",
        ['{'] = "...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.", ['|'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
        ['}'] = ".#... ..#.. ..#.. ...#. ..#.. ..#.. .#...", ['~'] = "..... ..... .#... #.#.# ...#. ..... .....",
        // Greek.
        ['α'] = "..... ..... .##.# #..#. #..#. #..#. .##.#", ['β'] = ".##.. #..#. #..#. ###.. #...# #...# ####. #.... #....",
        ['γ'] = "..... ..... #...# .#.#. ..#.. ..#.. ..#.. ..#..", ['δ'] = ".###. .#... ..#.. .###. #...# #...# .###.",
        ['ε'] = "..... ..... .###. #.... .##.. #.... .###.", ['θ'] = ".###. #...# #...# ##### #...# #...# .###.",
        ['λ'] = "#.... .#... .#... ..#.. .#.#. #...# #...#", ['μ'] = "..... ..... #...# #...# #...# #..## ###.# #.... #....",
        ['π'] = "..... ..... ##### .#.#. .#.#. .#.#. .#..#", ['σ'] = "..... ..... .#### #..#. #...# #...# .###.",
        ['φ'] = "..... ..#.. .###. #.#.# #.#.# #.#.# .###. ..#.. ..#..", ['Φ'] = "..#.. .###. #.#.# #.#.# #.#.# .###. ..#..",
        ['Σ'] = "##### #.... .#... ..#.. .#... #.... #####",
        // Symbols.
        ['−'] = "..... ..... ..... ##### ..... ..... .....", ['×'] = "..... #...# .#.#. ..#.. .#.#. #...# .....",
        ['·'] = "..... ..... ..... ..#.. ..... ..... .....", ['≈'] = "..... .##.# #.##. ..... .##.# #.##. .....",
        ['∼'] = "..... ..... .##.# #.##. ..... ..... .....", ['≤'] = "...#. ..#.. .#... ..#.. ...#. ..... #####",
        ['≥'] = ".#... ..#.. ...#. ..#.. .#... ..... #####", ['→'] = "..... ..#.. ...#. ##### ...#. ..#.. .....",
        ['±'] = "..#.. ..#.. ##### ..#.. ..#.. ..... #####", ['‖'] = ".#.#. .#.#. .#.#. .#.#. .#.#. .#.#. .#.#.",
        ['…'] = "..... ..... ..... ..... ..... ..... #.#.#",
    };

    // Sub- and superscripts: 3 × 5 shapes in columns 1–3, rows 4–8 (below the middle, reaching the descender line)
    // or rows 0–4 (from the capitals' top).
    private static readonly string[] SmallDigits =
    [
        "### #.# #.# #.# ###", ".#. ##. .#. .#. ###", "### ..# ### #.. ###", "### ..# .## ..# ###", "#.# #.# ### ..# ..#",
        "### #.. ### ..# ###", "### #.. ### #.# ###", "### ..# ..# .#. .#.", "### #.# ### #.# ###", "### #.# ### ..# ###",
    ];
    private const string SmallMinus = "... ... ### ... ...";
    private const string Subscripts = "₀₁₂₃₄₅₆₇₈₉", Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    // What stands in for a character the font lacks: a hollow box, so that a missing glyph shows.
    private const string Missing = "##### #...# #...# #...# #...# #...# #####";

    private static readonly Dictionary<char, bool[,]> Glyphs = Build();

    /// <summary>Every character the font draws.</summary>
    public static IReadOnlyCollection<char> Characters => Glyphs.Keys;

    /// <summary>True when the font has a glyph for <paramref name="character"/> (others draw as a hollow box).</summary>
    public static bool Covers(char character) => Glyphs.ContainsKey(character);

    /// <summary>True when cell (<paramref name="column"/>, <paramref name="row"/>) of <paramref name="character"/>'s glyph is ink.</summary>
    public static bool IsInk(char character, int column, int row)
    {
        if (column < 0 || column >= GlyphWidth || row < 0 || row >= Height) return false;
        return (Glyphs.TryGetValue(character, out var glyph) ? glyph : MissingGlyph)[row, column];
    }

    /// <summary>The width in cells of <paramref name="text"/> (one blank column between glyphs, none after the last).</summary>
    public static int MeasureWidth(string text) => string.IsNullOrEmpty(text) ? 0 : text.Length * Advance - 1;

    /// <summary>"x₁₂" from ("x", 12): a name with a subscript index, as the math writes it.</summary>
    public static string Subscript(string name, int index)
        => name + string.Concat(index.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(d => d == '-' ? '₋' : Subscripts[d - '0']));

    private static readonly bool[,] MissingGlyph = Parse(Missing, 0);

    private static Dictionary<char, bool[,]> Build()
    {
        var glyphs = Shapes.ToDictionary(pair => pair.Key, pair => Parse(pair.Value, 0));
        for (int digit = 0; digit < 10; digit++)
        {
            glyphs[Subscripts[digit]] = Parse(Small(SmallDigits[digit]), 4);
            glyphs[Superscripts[digit]] = Parse(Small(SmallDigits[digit]), 0);
        }
        glyphs['₋'] = Parse(Small(SmallMinus), 4);
        glyphs['⁻'] = Parse(Small(SmallMinus), 0);
        return glyphs;
    }

    // A 3-wide shape centred in the 5-wide cell.
    private static string Small(string rows) => string.Join(' ', rows.Split(' ').Select(row => "." + row + "."));

    private static bool[,] Parse(string shape, int firstRow)
    {
        var glyph = new bool[Height, GlyphWidth];
        var rows = shape.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (firstRow + rows.Length > Height) throw new InvalidOperationException($"A glyph has {rows.Length} rows from row {firstRow}; the font has {Height}.");
        for (int row = 0; row < rows.Length; row++)
        {
            if (rows[row].Length != GlyphWidth) throw new InvalidOperationException($"A glyph row '{rows[row]}' is not {GlyphWidth} cells wide.");
            for (int column = 0; column < GlyphWidth; column++) glyph[firstRow + row, column] = rows[row][column] == '#';
        }
        return glyph;
    }
}
