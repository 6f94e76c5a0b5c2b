// Shape legend: N images, D pixels, Z latent dimensions. Images [N, D], z [N, Z], row-major in flat float arrays.
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Inference;

/// <summary>
/// A trained VAE for use from C#: load a checkpoint folder (what <c>scratchvae train --out</c> writes) onto a device,
/// then encode, decode, sample and reconstruct with plain float arrays, no tape, tensors or command line involved.
/// <code>
/// using var vae = TrainedVae.Load("runs/mnist");                   // the host; or TrainedVae.Load(dir, Device.Open("cuda"))
/// var (mu, logVar) = vae.Encode(images);                           // images: N × 784 pixels in [0, 1], row-major
/// float[] pixels = vae.Decode(mu);                                 // N × 784 pixel means sigmoid(logits)
/// float[] digits = vae.Sample(count: 16, seed: 7);                 // decoded z ~ N(0, I)
/// </code>
/// Calls may come from several threads; they run one at a time. Every array's length is checked against the model,
/// and a wrong one is an <see cref="ArgumentException"/> that names both sizes.
/// </summary>
public sealed class TrainedVae : IDisposable
{
    private readonly VaeModel<float> _model;
    private readonly object _gate = new();

    private TrainedVae(string folder, CheckpointInfo info, VaeModel<float> model)
    {
        Folder = folder;
        Info = info;
        _model = model;
    }

    /// <summary>
    /// Loads the checkpoint in <paramref name="folder"/> onto <paramref name="device"/> (the host when null); a missing or
    /// damaged folder is a <see cref="CheckpointException"/> naming the file and the problem.
    /// </summary>
    public static TrainedVae Load(string folder, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var info = Checkpoint.ReadInfo(folder);
        return new TrainedVae(folder, info, Checkpoint.LoadModel(folder, info, device ?? Device.Host));
    }

    /// <summary>The folder it was loaded from.</summary>
    public string Folder { get; }

    /// <summary>What the checkpoint's config.json records: the model's options, the training settings, the epoch.</summary>
    public CheckpointInfo Info { get; }

    /// <summary>D: pixels per image.</summary>
    public int InputSize => Info.Model.InputSize;

    /// <summary>Z: latent dimensions.</summary>
    public int LatentSize => Info.Model.LatentSize;

    /// <summary>Where the model runs.</summary>
    public Device Device => _model.Device;

    /// <summary>The model itself, for what the methods here do not cover (its layers, its state dict).</summary>
    public VaeModel<float> Model => _model;

    /// <summary>q(z|x) of every image: μ and log σ², each N × Z, for <paramref name="images"/> of N × D pixels.</summary>
    public (float[] Mu, float[] LogVar) Encode(float[] images)
    {
        ArgumentNullException.ThrowIfNull(images);
        lock (_gate) return _model.Encode(images);
    }

    /// <summary>The decoder's pixel means sigmoid(logits), N × D, for <paramref name="z"/> of N × Z latent values.</summary>
    public float[] Decode(float[] z)
    {
        ArgumentNullException.ThrowIfNull(z);
        lock (_gate) return _model.DecodeMeans(z);
    }

    /// <summary>decode(μ(x)) of every image: the reconstructions the <c>reconstruct</c> verb draws, N × D.</summary>
    public float[] Reconstruct(float[] images) => Decode(Encode(images).Mu);

    /// <summary>
    /// <paramref name="count"/> images decoded from z ~ N(0, I), N × D; z comes from the Philox stream of
    /// <paramref name="seed"/>, so the same seed gives the same images on every run.
    /// </summary>
    public float[] Sample(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            using var scope = Tape.NoGrad();
            using var z = Tensor<float>.Normal(new Shape(count, LatentSize), seed, device: Device);
            return _model.DecodeMeans(Var<float>.Constant(z)).Value.ToArray();
        }
    }

    /// <summary>Frees the model's buffers.</summary>
    public void Dispose() => _model.Dispose();
}
