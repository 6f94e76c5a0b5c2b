namespace ScratchVae.Bench.Report;

/// <summary>
/// The floating-point work the report counts for each memory-bound primitive of <see cref="Elementwise.ElementwiseCase"/>,
/// to place it on the roofline. The counts are nominal: one per arithmetic operation of the formula, a
/// transcendental function (exp, log1p, tanh) counted as one, a comparison or max as one. The Philox fills do integer
/// work and have no FLOP count: they are reported in GB/s and samples per second only.
/// </summary>
public static class MapWork
{
    /// <summary>FLOP per element, or null for a primitive that does no floating-point arithmetic to speak of.</summary>
    public static double? FlopsPerElement(string primitive) => primitive switch
    {
        "relu" => 1,            // max(x, 0)
        "sigmoid" => 3,         // 1 / (1 + exp(-x))
        "tanh" => 1,            // tanh(x)
        "softplus" => 4,        // max(x, 0) + log1p(exp(-|x|))
        "exp" => 1,             // exp(x)
        "relu-backward" => 2,   // g · (x > 0)
        "bias-relu" => 2,       // max(x + b, 0)
        "bce" => 9,             // value softplus(z) − x·z (6) and gradient σ(z) − x (… shares the exp; 3 more)
        "adam" => 12,           // m, v updates (5), bias corrections and sqrt, divide, step (7)
        _ => null,              // uniform, normal: Philox integer rounds
    };

    /// <summary>True for the sampling primitives (Philox uniform and normal fills).</summary>
    public static bool IsSampling(string primitive) => primitive is "uniform" or "normal";
}
