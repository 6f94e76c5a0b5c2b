using System.Globalization;

namespace ScratchVae.Bench.Gemm;

/// <summary>
/// One GEMM shape: C[m × n] = op(A) · op(B) with op(A) m × k, op(B) k × n. Written "MxNxK:AB" with A and B each
/// N (as stored) or T (transposed), e.g. "128x400x784:NT" for the VAE's first layer X · Wᵀ.
/// </summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">The shared dimension.</param>
/// <param name="TransposeA">A is stored k × m.</param>
/// <param name="TransposeB">B is stored n × k.</param>
public sealed record GemmShape(int M, int N, int K, bool TransposeA, bool TransposeB)
{
    /// <summary>Floating-point operations of one multiply: 2·m·n·k (one multiply and one add per term).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>The "MxNxK:AB" form.</summary>
    public override string ToString() => $"{M}x{N}x{K}:{(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')}";

    /// <summary>Parses the "MxNxK:AB" form (":NN" may be left out).</summary>
    public static GemmShape Parse(string text)
    {
        string[] halves = text.Trim().Split(':');
        string[] sizes = halves[0].Split('x');
        string flags = halves.Length > 1 ? halves[1].ToUpperInvariant() : "NN";
        if (sizes.Length != 3 || flags.Length != 2 || flags.Any(f => f is not ('N' or 'T')))
            throw new FormatException($"'{text}' is not a GEMM shape like 128x400x784:NT.");
        var dimensions = new int[3];
        for (int i = 0; i < 3; i++)
            if (!int.TryParse(sizes[i], NumberStyles.None, CultureInfo.InvariantCulture, out dimensions[i]) || dimensions[i] < 1)
                throw new FormatException($"'{text}': {"MNK"[i]} = '{sizes[i]}' is not a whole number of at least 1.");
        return new GemmShape(dimensions[0], dimensions[1], dimensions[2], flags[0] == 'T', flags[1] == 'T');
    }
}
