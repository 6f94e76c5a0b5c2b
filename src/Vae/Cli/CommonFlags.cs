namespace ScratchVae.Vae.Cli;

/// <summary>
/// Flags that several verbs share, defined once; a verb whose default or help differs takes one with
/// <c>with { … }</c>.
/// </summary>
public static class CommonFlags
{
    /// <summary><c>--device</c>: where the work runs.</summary>
    public static Flag Device { get; } = Flag.String("device", "where to run: auto (CUDA, then OpenCL, then host), host, cuda, opencl, ilgpu-cpu, cuda:1, …", "auto", "D");

    /// <summary><c>--threads</c>: the host backend's threads.</summary>
    public static Flag Threads { get; } = Flag.Int("threads", "threads of the host backend", min: 1) with { DefaultNote = "all cores" };

    /// <summary><c>--checkpoint</c>: the checkpoint folder a verb reads.</summary>
    public static Flag Checkpoint { get; } = Flag.Path("checkpoint", "the checkpoint folder to read (what train --out wrote)") with { Required = true };

    /// <summary><c>--checkpoint</c> for the demonstrations, which called it <c>--model</c> before.</summary>
    public static Flag DemoCheckpoint { get; } = Checkpoint with { Deprecated = ["model"] };

    /// <summary><c>--data</c> of a verb that reads a checkpoint: by default the data set it was trained on.</summary>
    public static Flag CheckpointData { get; } = Flag.String("data", "the data set: mnist, fashion-mnist or a folder of IDX files", placeholder: "D") with { DefaultNote = "the checkpoint's" };

    /// <summary><c>--data</c> of a verb that trains.</summary>
    public static Flag TrainingData { get; } = CheckpointData with { Default = "mnist", DefaultNote = null };

    /// <summary><c>--limit</c>: the first N images of each split.</summary>
    public static Flag Limit { get; } = Flag.Int("limit", "use only the first N training and test images", min: 1) with { DefaultNote = "all" };

    /// <summary><c>--seed</c>: the seed of every random stream.</summary>
    public static Flag Scale { get; } = Flag.Int("scale", "draws the picture N times larger, text included (N × N pixels per unit)", 1, min: 1, max: Images.Canvas.MaximumScale);

    /// <summary>The picture a verb writes: PNG or SVG by its extension.</summary>
    public static Flag PictureOut { get; } = Flag.Path("out", "the picture to write: .png, or .svg with the text as text", placeholder: "FILE.png") with { Required = true };

    /// <summary>The seed flag.</summary>
    public static Flag Seed { get; } = Flag.Int("seed", "the seed of the weights, the shuffling and the noise", 1, min: 0);

    /// <summary><c>--batch</c>, also <c>--batch-size</c> as in PyTorch's examples.</summary>
    public static Flag Batch { get; } = Flag.Int("batch", "examples per optimizer step", 128, min: 1, max: 1 << 16) with { Aliases = ["batch-size"] };

    /// <summary><c>--lr</c>, also <c>--learning-rate</c>.</summary>
    public static Flag LearningRate { get; } = Flag.Double("lr", "the learning rate", 1e-3, min: 0, max: 10, exclusiveMin: true) with { Aliases = ["learning-rate"] };

    /// <summary><c>--latent</c>, also <c>--latent-dim</c>.</summary>
    public static Flag Latent { get; } = Flag.Int("latent", "latent dimensions Z", 20, min: 1, max: 1 << 12) with { Aliases = ["latent-dim"] };
}
