namespace ScratchVae.Bench.Gemm;

/// <summary>The shapes the GEMM benchmarks run: squares, and every GEMM of one VAE training step at batch 128.</summary>
public static class GemmShapes
{
    /// <summary>Square n × n × n, both operands as stored.</summary>
    public static readonly string[] Square = ["128x128x128:NN", "256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN"];

    /// <summary>
    /// The VAE (784 → 400 → 20 + 20 → 400 → 784, batch 128; weights stored [out, in] like nn.Linear).
    /// Forward Y = X·Wᵀ (transposeB), input gradient dX = dY·W, weight gradient dW = dYᵀ·X (transposeA).
    /// </summary>
    public static readonly string[] Vae =
    [
        // forward: encoder 784→400, the two 400→20 heads (mu, logvar), decoder 20→400, 400→784
        "128x400x784:NT", "128x20x400:NT", "128x400x20:NT", "128x784x400:NT",
        // input gradients, in backward order
        "128x400x784:NN", "128x20x400:NN", "128x400x20:NN", "128x784x400:NN",
        // weight gradients
        "400x784x128:TN", "20x400x128:TN", "400x20x128:TN", "784x400x128:TN",
    ];

    /// <summary>Square then VAE shapes.</summary>
    public static IEnumerable<string> All => Square.Concat(Vae);
}
