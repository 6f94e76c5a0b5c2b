using ScratchVae.Vae.Demonstrations;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae worked-example</c>: prints every number of the hand-sized VAE of docs/vae-math.md (4 pixels,
/// 2 latent dimensions, fixed weights and noise), computed by the library's own code in float64.
/// </summary>
public static class WorkedExampleCommand
{
    /// <summary>The verb; it has no flags.</summary>
    public static Verb Verb { get; } = new("worked-example", "prints every value and gradient of the 4-pixel, 2-latent VAE of docs/vae-math.md", [], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        foreach (string line in WorkedExample.Report(WorkedExample.Compute())) Console.WriteLine(line);
        return 0;
    }
}
