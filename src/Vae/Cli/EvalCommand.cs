using System.Diagnostics;
using ScratchVae.Tensors;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Evaluation;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae eval --checkpoint DIR</c>: the test set's mean negative ELBO (exactly as training reports it) and
/// the importance-weighted estimate of log p(x) per example with K samples (Burda et al.).
/// </summary>
public static class EvalCommand
{
    /// <summary>The purpose key of the importance-sampling noise under the user seed (see <see cref="Seeds"/>; 1–5 are taken).</summary>
    public const ulong ImportanceSamplingNoise = 6;

    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("eval",
        "prints the test loss (mean −ELBO per test example, as training reports it), the active units and the importance-weighted log p(x)",
        [
            CommonFlags.Checkpoint,
            CommonFlags.CheckpointData,
            Flag.Int("iw-samples", "importance samples K per test example of the bound log p(x) ≥ L_K (Burda et al. 2016)", 5000, min: 1, max: 10_000_000),
            CommonFlags.Batch with { Default = null, DefaultNote = "the checkpoint's", Help = "test examples per batch" },
            CommonFlags.Seed with { Default = null, DefaultNote = "the checkpoint's", Help = "the seed of the evaluation noise" },
            CommonFlags.Limit with { Help = "use only the first N test images" },
            CommonFlags.Device,
            CommonFlags.Threads,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        int samples = flags.Int("iw-samples");
        var info = Checkpoint.ReadInfo(folder);
        int batchSize = flags.Int("batch", info.Training.BatchSize);
        ulong seed = flags.Has("seed") ? (ulong)flags.Int("seed") : info.Training.Seed;
        var weights = Checkpoint.ReadWeights(folder, info);
        var device = CommandSupport.OpenDevice(flags.String("device"), flags.OptionalInt("threads"));
        var data = LoadedCheckpoint.LoadData(flags, info, folder);

        // The test loss through the trainer's own evaluation: the same noise stream and batching as the per-epoch
        // test_loss of training (identical figures when --batch and --seed are the checkpoint's).
        var training = info.Training with { BatchSize = batchSize, Seed = seed, Device = device.Name };
        using var trainer = new Trainer(info.Model, training, data, device);
        Checkpoint.Fit(() => trainer.Model.LoadStateDict(weights), Path.Combine(folder, Checkpoint.ModelFile));
        var model = info.Model;
        Console.WriteLine($"checkpoint {folder}: epoch {info.Epoch}, step {info.Step}; model {model.Describe()} " +
                          $"{model.Likelihood.ToString().ToLowerInvariant()}; device {device.Name}; data {data.Name}: {data.Test.Count} test images");
        var (loss, reconstruction, kl) = trainer.Evaluate(data.Test);
        Console.WriteLine(FormattableString.Invariant($"test_loss {loss:F4}"));
        Console.WriteLine(FormattableString.Invariant($"test_recon {reconstruction:F4} test_kl {kl:F4}"));
        var variances = ActiveUnits.Variances(trainer.Model, data.Test, batchSize);
        Console.WriteLine(FormattableString.Invariant($"active_units {ActiveUnits.Count(variances)} of {variances.Length} (Var over the test set of mu_u(x) > {ActiveUnits.Threshold})"));

        var bound = new ImportanceWeightedBound<float>(new VaeLatentModel<float>(trainer.Model), samples, Seeds.Derive(seed, ImportanceSamplingNoise));
        var test = data.Test;
        int pixels = test.PixelsPerImage;
        double sum = 0, sumOfSquares = 0;
        var progress = new EvaluationProgress(test.Count, samples);
        var clock = Stopwatch.StartNew();
        for (int start = 0, batch = 0; start < test.Count; start += batchSize, batch++)
        {
            int rows = Math.Min(batchSize, test.Count - start);
            using var x = Tensor<float>.FromArray(test.Pixels.AsSpan(start * pixels, rows * pixels), Shape.Matrix(rows, pixels), device);
            var estimates = bound.Estimate(x, (ulong)batch, done => progress.Report(start, rows, done, clock.Elapsed));
            foreach (double estimate in estimates)
            {
                sum += estimate;
                sumOfSquares += estimate * estimate;
            }
        }
        progress.Finish();
        int count = test.Count;
        double mean = sum / count;
        // The standard error of the mean over test examples (the spread of log p(x) between digits, not Monte Carlo noise).
        double standardError = count > 1 ? Math.Sqrt(Math.Max(0, (sumOfSquares - count * mean * mean) / (count - 1)) / count) : 0;
        if (!double.IsFinite(mean))
        {
            Console.Error.WriteLine("scratchvae: eval: the importance-weighted estimate is not finite (a NaN or infinite log-weight); the checkpoint's weights may be unusable.");
            return 1;
        }
        Console.WriteLine(FormattableString.Invariant($"iw_log_likelihood {mean:F4}"));
        Console.WriteLine(FormattableString.Invariant($"iw_samples {samples} iw_standard_error {standardError:F4} seconds {clock.Elapsed.TotalSeconds:F1}"));
        return 0;
    }

    /// <summary>
    /// Progress of the importance-weighted pass on standard error: a redrawn line on a terminal (at most ten times a
    /// second), or a plain line at most every ten seconds when standard error is redirected.
    /// </summary>
    private sealed class EvaluationProgress(int examples, int samples)
    {
        private readonly bool _terminal = !Console.IsErrorRedirected;
        private TimeSpan _lastDrawn = TimeSpan.Zero;
        private bool _drawn;

        public void Report(int batchStart, int batchRows, int samplesDone, TimeSpan elapsed)
        {
            var interval = _terminal ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(10);
            if (elapsed - _lastDrawn < interval) return;
            _lastDrawn = elapsed;
            // Examples × samples done so far, counting the current batch's partial progress.
            double done = (double)batchStart * samples + (double)batchRows * samplesDone;
            double total = (double)examples * samples;
            double rate = done / Math.Max(1e-9, elapsed.TotalSeconds);
            double eta = (total - done) / Math.Max(1e-9, rate);
            string line = FormattableString.Invariant($"iw: {Math.Min(examples, batchStart + batchRows)}/{examples} examples, {100 * done / total:F1}% of {samples} samples each, {rate:F0} samples/s, ETA {eta:F0}s");
            if (_terminal) Console.Error.Write("\r" + line + "   ");
            else Console.Error.WriteLine(line);
            _drawn = true;
        }

        public void Finish()
        {
            if (_terminal && _drawn) Console.Error.Write("\r" + new string(' ', 100) + "\r");
        }
    }
}
