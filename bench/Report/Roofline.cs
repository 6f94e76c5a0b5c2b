using ScratchVae.Bench.Gemm;

namespace ScratchVae.Bench.Report;

/// <summary>
/// The roofline model: a kernel that does F floating-point operations while moving B bytes has arithmetic intensity
/// I = F / B (FLOP/byte), and on a processor with peak P (GFLOP/s) and memory bandwidth W (GB/s) it can reach at
/// most min(P, W · I) GFLOP/s. The ridge I = P / W separates memory-bound kernels (left) from compute-bound ones.
/// </summary>
public static class Roofline
{
    /// <summary>min(peak, bandwidth × intensity) in GFLOP/s, for a peak in GFLOP/s and a bandwidth in GB/s.</summary>
    public static double Attainable(double peakGflops, double bandwidthGigabytes, double intensity)
        => Math.Min(peakGflops, bandwidthGigabytes * intensity);

    /// <summary>The intensity where the two roofs meet: peak / bandwidth (FLOP/byte).</summary>
    public static double Ridge(double peakGflops, double bandwidthGigabytes) => peakGflops / bandwidthGigabytes;

    /// <summary>
    /// The least bytes a float32 GEMM moves: A, B and C each once, 4 · (m·k + k·n + m·n) (with beta = 0, C is
    /// only written). Caches can only add to this, so the intensity computed from it is the GEMM's highest.
    /// </summary>
    public static double GemmBytes(GemmShape shape) => 4.0 * ((double)shape.M * shape.K + (double)shape.K * shape.N + (double)shape.M * shape.N);

    /// <summary>2·m·n·k / (4 · (m·k + k·n + m·n)) FLOP/byte.</summary>
    public static double GemmIntensity(GemmShape shape) => shape.Flops / GemmBytes(shape);
}
