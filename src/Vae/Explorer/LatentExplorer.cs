// Shape legend: N test images, D pixels, Z latent dimensions. z [Z]; mu, sigma [N, Z] per image.
using System.Diagnostics;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Explorer;

/// <summary>A decoded image: pixel means sigmoid(logits) in [0, 1], row-major, and how long the decoder took.</summary>
/// <param name="Pixels">D pixel means.</param>
/// <param name="Milliseconds">Wall-clock time of the decode on the model's device.</param>
public sealed record DecodedImage(float[] Pixels, double Milliseconds);

/// <summary>A test image with the encoder's q(z|x) = N(μ, σ²) and its reconstruction decode(μ).</summary>
public sealed record TestImageView(int Index, int Label, float[] Pixels, float[] Mu, float[] Sigma, float[] Reconstruction);

/// <summary>
/// What the latent-space explorer computes, apart from serving it: decodes any z, shows a test image's q(z|x) and
/// reconstruction, and walks the straight line between two test images' μ. Every call runs the engine's decoder on
/// the model's device; calls are serialised, so any number of threads may share one explorer.
/// </summary>
public sealed class LatentExplorer
{
    /// <summary>The largest |zⱼ| accepted: 10 prior standard deviations, far outside anything the decoder was trained on.</summary>
    public const double MaxMagnitude = 10;

    /// <summary>The most images a path may have.</summary>
    public const int MaxPathSteps = 64;

    private readonly VaeModel<float> _model;
    private readonly ImageDataSet _test;
    private readonly object _gate = new();

    /// <summary>
    /// Prepares an explorer over <paramref name="model"/> and the images of <paramref name="test"/>; measures how much
    /// the data uses each latent dimension as its mean KL(q(zⱼ|x) ‖ N(0, 1)) over the test images.
    /// </summary>
    public LatentExplorer(VaeModel<float> model, ImageDataSet test)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        if (test.PixelsPerImage != model.Options.InputSize)
            throw new ArgumentException($"The test images have {test.PixelsPerImage} pixels; the model expects {model.Options.InputSize}.", nameof(test));
        if (test.Count == 0) throw new ArgumentException("The explorer needs at least one test image.", nameof(test));
        _model = model;
        _test = test;
        Latent = model.Options.LatentSize;
        KlPerDimension = MeanKlPerDimension();
        Order = Enumerable.Range(0, Latent).OrderByDescending(j => KlPerDimension[j]).ThenBy(j => j).ToArray();
    }

    /// <summary>Z, the number of latent dimensions.</summary>
    public int Latent { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height => _test.Height;

    /// <summary>Image width in pixels.</summary>
    public int Width => _test.Width;

    /// <summary>The number of test images.</summary>
    public int TestCount => _test.Count;

    /// <summary>Mean KL(q(zⱼ|x) ‖ N(0, 1)) over the test images for each dimension j, in nats: near 0 for a dimension the model ignores.</summary>
    public IReadOnlyList<double> KlPerDimension { get; }

    /// <summary>The dimensions from the most used (largest mean KL) to the least.</summary>
    public IReadOnlyList<int> Order { get; }

    /// <summary>decode(z): the pixel means of one latent vector, checked first (<see cref="CheckZ"/>).</summary>
    public DecodedImage Decode(IReadOnlyList<double> z)
    {
        CheckZ(z);
        lock (_gate)
        {
            var watch = Stopwatch.StartNew();
            var pixels = _model.DecodeMeans([.. z.Select(v => (float)v)]);
            return new DecodedImage(pixels, watch.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Test image <paramref name="index"/>, its μ and σ, and decode(μ).</summary>
    public TestImageView TestImage(int index)
    {
        CheckIndex("index", index);
        lock (_gate)
        {
            var (mu, logVar) = Posterior(index);
            return new TestImageView(index, _test.Labels[index], _test.Image(index).ToArray(), mu,
                logVar.Select(v => (float)Math.Exp(0.5 * v)).ToArray(), _model.DecodeMeans(mu));
        }
    }

    /// <summary>
    /// The images decoded along the straight line from μ(x_from) to μ(x_to), <paramref name="steps"/> of them, both
    /// ends included; returns each image's z and pixels.
    /// </summary>
    public (float[][] Z, float[][] Pixels) Path(int from, int to, int steps)
    {
        CheckIndex("from", from);
        CheckIndex("to", to);
        if (steps < 2 || steps > MaxPathSteps) throw new ExplorerRequestException($"steps must be between 2 and {MaxPathSteps}, not {steps}");
        lock (_gate)
        {
            var (a, _) = Posterior(from);
            var (b, _) = Posterior(to);
            var z = new float[steps][];
            var rows = new float[steps * Latent];
            for (int k = 0; k < steps; k++)
            {
                double t = (double)k / (steps - 1);
                z[k] = new float[Latent];
                for (int j = 0; j < Latent; j++) z[k][j] = rows[k * Latent + j] = (float)((1 - t) * a[j] + t * b[j]);
            }
            var pixels = _model.DecodeMeans(rows);
            int d = _model.Options.InputSize;
            return (z, Enumerable.Range(0, steps).Select(k => pixels.AsSpan(k * d, d).ToArray()).ToArray());
        }
    }

    /// <summary>Refuses a z of the wrong length, or with a value that is not finite or beyond ±<see cref="MaxMagnitude"/>.</summary>
    public void CheckZ(IReadOnlyList<double> z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Count != Latent) throw new ExplorerRequestException($"z has {z.Count} numbers but the model's latent space has {Latent} dimensions");
        for (int j = 0; j < z.Count; j++)
            if (!double.IsFinite(z[j]) || Math.Abs(z[j]) > MaxMagnitude)
                throw new ExplorerRequestException(FormattableString.Invariant($"z[{j}] = {z[j]} is outside [-{MaxMagnitude}, {MaxMagnitude}]"));
    }

    private void CheckIndex(string name, int index)
    {
        if (index < 0 || index >= _test.Count) throw new ExplorerRequestException($"{name} must be a test image index in 0..{_test.Count - 1}, not {index}");
    }

    private (float[] Mu, float[] LogVar) Posterior(int index) => _model.Encode(_test.Image(index));

    // Mean over the test images of KL(N(μⱼ, σⱼ²) ‖ N(0, 1)) = ½ (μⱼ² + σⱼ² − 1 − log σⱼ²), in batches of 500.
    private double[] MeanKlPerDimension()
    {
        var sum = new double[Latent];
        const int batch = 500;
        for (int first = 0; first < _test.Count; first += batch)
        {
            int count = Math.Min(batch, _test.Count - first);
            var (m, l) = _model.Encode(_test.Pixels.AsSpan(first * _test.PixelsPerImage, count * _test.PixelsPerImage));
            for (int i = 0; i < m.Length; i++) sum[i % Latent] += 0.5 * ((double)m[i] * m[i] + Math.Exp(l[i]) - 1 - l[i]);
        }
        return sum.Select(s => s / _test.Count).ToArray();
    }
}

/// <summary>A request the explorer refuses, with a one-line reason that names the value (answered as HTTP 400).</summary>
public sealed class ExplorerRequestException(string message) : Exception(message);
