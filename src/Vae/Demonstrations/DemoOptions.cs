namespace ScratchVae.Vae.Demonstrations;

/// <summary>
/// The settings every demonstration shares: a 784-H-Z ReLU VAE trained with Adam on mini-batches, then measured on
/// probe images from the test set. Each demonstration's own record adds what is particular to it.
/// </summary>
public abstract record DemoOptions
{
    /// <summary>Adam steps of each training run.</summary>
    public int Steps { get; init; } = 200;
    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>H: width of the single hidden layer of the encoder and of the decoder.</summary>
    public int Hidden { get; init; } = 400;
    /// <summary>Z: latent dimensions.</summary>
    public int Latent { get; init; } = 20;
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Seeds the weights and the noise.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>N: test images on which the models are measured.</summary>
    public int ProbeCount { get; init; } = 1000;
}
