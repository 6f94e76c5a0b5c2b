// Shape legend: B examples in the batch, D pixels, Z latent dimensions. Images [B, D]; Noise ε [B, Z].
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Model;

/// <summary>
/// The negative ELBO of a batch of a fixed size as a recorded graph: its inputs, the images x and the noise ε, live
/// in tensors that are refilled before each step, the first <see cref="Forward"/> records the forward pass on a tape
/// of its own, and every later one replays it (<see cref="Tape.Replay"/>): the same operations recompute the same
/// values, buffers and gradients, from the new batch, the new noise and the parameters as the optimizer left them.
/// A training step in the steady state therefore allocates nothing. The bits are those of a freshly built graph.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class ElboGraph<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly VaeModel<T> _network;
    private Tape? _tape;
    private ElboTerms<T>? _terms;
    private bool _disposed;

    /// <summary>Creates the graph's input tensors for batches of <paramref name="rows"/> images on <paramref name="device"/>; nothing is recorded yet.</summary>
    public ElboGraph(VaeModel<T> network, Device device, int rows) : this(network, device, rows, warmUp: false, freeBits: 0)
    {
    }

    /// <summary>
    /// As <see cref="ElboGraph(VaeModel{T}, Device, int)"/>, with the loss's KL term regularised: with
    /// <paramref name="warmUp"/>, weighted by the value of <see cref="SetKlWeight"/> (set before each <see cref="Forward"/>; β until
    /// then); with <paramref name="freeBits"/> λ &gt; 0, each latent dimension's batch KL counted as at least B · λ.
    /// </summary>
    public ElboGraph(VaeModel<T> network, Device device, int rows, bool warmUp, double freeBits)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        _network = network;
        Rows = rows;
        Images = Tensor<T>.Empty(Shape.Matrix(rows, network.Options.InputSize), device);
        Noise = Tensor<T>.Empty(Shape.Matrix(rows, network.Options.LatentSize), device);
        if (!double.IsFinite(freeBits) || freeBits < 0) throw new ArgumentOutOfRangeException(nameof(freeBits), freeBits, "Free bits must be finite and ≥ 0.");
        FreeBits = freeBits;
        if (warmUp)
        {
            _klWeight = Tensor<T>.Empty(Shape.Scalar, device);
            SetKlWeight(network.Options.Beta);
        }
    }

    private readonly Tensor<T>? _klWeight;

    /// <summary>λ of free bits (0: none).</summary>
    public double FreeBits { get; }

    /// <summary>True when the KL's weight is <see cref="SetKlWeight"/>'s (KL warm-up).</summary>
    public bool HasKlWeight => _klWeight is not null;

    /// <summary>Sets the KL term's weight the next <see cref="Forward"/> uses (a graph made with warm-up only).</summary>
    public void SetKlWeight(double weight)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_klWeight is null) throw new InvalidOperationException("ElboGraph.SetKlWeight: the graph was made without KL warm-up.");
        if (!double.IsFinite(weight) || weight < 0) throw new ArgumentOutOfRangeException(nameof(weight), weight, "The KL weight must be finite and ≥ 0.");
        _klWeight.Backend.Fill(_klWeight.Buffer, 0, 1, T.CreateChecked(weight));
    }

    /// <summary>The batch size B.</summary>
    public int Rows { get; }

    /// <summary>The batch x [B, D] the next <see cref="Forward"/> reads.</summary>
    public Tensor<T> Images { get; }

    /// <summary>The noise ε [B, Z] of the reparameterization z = μ + σ ⊙ ε that the next <see cref="Forward"/> reads.</summary>
    public Tensor<T> Noise { get; }

    /// <summary>True once the forward pass was recorded (every later <see cref="Forward"/> replays it).</summary>
    public bool IsRecorded => _terms is not null;

    /// <summary>Copies B × D pixel values (row-major) into <see cref="Images"/>.</summary>
    public void SetImages(ReadOnlySpan<T> pixels)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (pixels.Length != Images.Length)
            throw new ArgumentException($"ElboGraph.SetImages: {pixels.Length} pixel values cannot fill the batch {Images.Shape}.", nameof(pixels));
        Images.Backend.Upload(pixels, Images.Buffer);
    }

    /// <summary>Fills <see cref="Noise"/> with ε ~ N(0, I) from the Philox stream (<paramref name="seed"/>, <paramref name="counterOffset"/>), as Ops.Reparameterize would draw it.</summary>
    public void DrawNoise(ulong seed, ulong counterOffset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Noise.Backend.NormalFill(Noise.Buffer, 0, Noise.Length, seed, counterOffset, T.Zero, T.One);
    }

    /// <summary>
    /// −ELBO of the current <see cref="Images"/> and <see cref="Noise"/>: recorded on the first call, replayed on
    /// the next ones. The terms returned are the same Vars every time, holding the latest values; call
    /// <c>Loss.Backward()</c> on them for the gradients.
    /// </summary>
    public ElboTerms<T> Forward()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_terms is not null)
        {
            _tape!.Replay();
            return _terms;
        }
        var tape = new Tape();
        try
        {
            var x = Var<T>.Constant(Images);
            var regularization = _klWeight is null && FreeBits == 0 ? null
                : new KlRegularization<T>(_klWeight is null ? null : Var<T>.Constant(_klWeight), FreeBits);
            _terms = _network.NegativeElbo(x, Noise, regularization);
            tape.EndRecording();
        }
        catch
        {
            _terms = null;
            tape.Dispose();
            throw;
        }
        _tape = tape;
        return _terms;
    }

    /// <summary>Frees the recording and the input tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _tape?.Dispose();
        Images.Dispose();
        Noise.Dispose();
        _klWeight?.Dispose();
    }
}
