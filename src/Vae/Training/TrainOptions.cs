namespace ScratchVae.Vae.Training;

/// <summary>How to train: the flags of <c>scratchvae train</c> other than the architecture.</summary>
public sealed record TrainOptions
{
    /// <summary>"mnist" (embedded), "fashion-mnist" (Debian package) or a folder of IDX files.</summary>
    public string Data { get; init; } = "mnist";
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Adam's L2 weight decay.</summary>
    public double WeightDecay { get; init; }
    /// <summary>Seeds initialisation, shuffling and the noise ε.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>"auto", "host", "cuda", "opencl" or "ilgpu-cpu".</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Host threads (null: one per core).</summary>
    public int? Threads { get; init; }
    /// <summary>Use only the first N training and test images (quick runs), or all when null.</summary>
    public int? Limit { get; init; }
}
