using System.Globalization;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Demonstrations;
using ScratchVae.Vae.Images;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae demo NAME</c>: the measured demonstrations of docs/demonstrations.md, one sub-verb each.
/// </summary>
public static class DemoCommand
{
    // The flags of the demonstrations that train small models themselves (DemoOptions).
    private static readonly Flag[] TrainingFlags =
    [
        Flag.Int("steps", "Adam steps of training", 200, min: 0, max: 1_000_000),
        CommonFlags.Batch,
        Flag.Int("hidden", "hidden width of the 784-H-Z model", 400, min: 1, max: 1 << 16),
        CommonFlags.Latent,
        CommonFlags.LearningRate,
        CommonFlags.Seed,
        Flag.Int("probe", "test images the figures are measured on", 1000, min: 1),
        CommonFlags.TrainingData,
        CommonFlags.Limit,
        CommonFlags.Device,
        CommonFlags.Threads,
    ];

    // The device flags of the demonstrations that read a checkpoint.
    private static readonly Flag[] DeviceFlags = [CommonFlags.Device, CommonFlags.Threads];

    // The seeds of the demonstrations that repeat their training: --seed, --seed + 1, ….
    private static readonly Flag SeedCount = Flag.Int("seeds", "seeds per configuration, from --seed up (the figures give their mean and spread)", 3, min: 1, max: 100);

    // The seed of a demonstration that measures a trained model: its noise only.
    private static readonly Flag NoiseSeed = CommonFlags.Seed with { Help = "the seed of the noise" };

    /// <summary>The verb <c>demo</c> and the flag table of each demonstration.</summary>
    public static Verb Verb { get; } = new("demo", "the measured demonstrations of docs/demonstrations.md", [], null)
    {
        SubVerbNoun = "demonstration",
        SubVerbs =
        [
            new("demo init", "dead ReLU units and the loss over training for four initialisations, each with Adam and a plain-SGD control",
            [
                .. TrainingFlags,
                SeedCount,
                Flag.Double("sgd-lr", "the learning rate of the plain-SGD control (the loss summed over the batch)", 1e-4, min: 0, max: 10, exclusiveMin: true),
            ], Initialization),
            new("demo reparameterization", "gradient norms and training with the reparameterization trick, the score function (with and without a baseline) and no encoder gradient",
                [.. TrainingFlags, SeedCount], Reparameterization),
            new("demo prior-sampling", "log p(x) estimated from samples of the prior, against the ELBO: why the encoder is needed",
            [
                CommonFlags.DemoCheckpoint,
                Flag.Int("images", "test images", 20, min: 1, max: 10_000),
                Flag.Int("samples", "the largest number of prior samples (10, 100, … up to it)", 10_000, min: 10, max: 10_000_000),
                NoiseSeed,
                .. DeviceFlags,
            ], PriorSampling),
            new("demo pictures", "the pictures of a trained model: samples, reconstructions, curves, and for Z = 2 the manifold and the latent scatter",
            [
                CommonFlags.DemoCheckpoint,
                Flag.Path("out", "the folder the pictures go to", "docs/images"),
                Flag.String("prefix", "the start of each picture's name (PREFIX-samples.png, …)", placeholder: "P") with { DefaultNote = "the checkpoint folder's name" },
                Flag.Int("grid", "points per side of the manifold", 15, min: 2, max: 64),
                Flag.Double("extent", "the manifold spans z from −E to E", 2.5, min: 0, max: 100, exclusiveMin: true),
                CommonFlags.Scale,
                .. DeviceFlags,
            ], Pictures),
            new("demo ring", "maps samples of N(0, I) in 2-D onto a ring, g(z) = z/10 + z/|z| (Doersch 2016, figure 2)",
            [
                Flag.Path("out", "the picture to write: .png, or .svg with the text as text", "docs/images/ring.png", "FILE.png"),
                Flag.Int("count", "samples", 2000, min: 1, max: 10_000_000),
                CommonFlags.Seed with { Help = "the seed of the samples" },
                CommonFlags.Scale,
            ], Ring),
            new("demo gaps", "the amortisation and approximation gaps: the encoder's ELBO, an ELBO optimised per image, and log p(x)",
            [
                CommonFlags.DemoCheckpoint,
                Flag.Int("images", "test images", 100, min: 1, max: 10_000),
                Flag.Int("steps", "Adam steps of the per-image optimisation", 500, min: 0, max: 1_000_000),
                CommonFlags.LearningRate with { Default = Flag.Number(1e-2), Help = "the learning rate of the per-image optimisation" },
                Flag.Int("elbo-samples", "draws of ε per ELBO", 100, min: 1, max: 1_000_000),
                Flag.Int("iw-samples", "importance samples of log p(x)", 1000, min: 1, max: 10_000_000),
                NoiseSeed,
                .. DeviceFlags,
            ], Gaps),
            new("demo estimators", "the variance of the pathwise (reparameterization) and score-function gradient estimators",
            [
                CommonFlags.DemoCheckpoint,
                Flag.Int("images", "test images", 20, min: 1, max: 10_000),
                Flag.Int("draws", "draws of ε per estimate", 1000, min: 2, max: 1_000_000),
                NoiseSeed,
                .. DeviceFlags,
            ], Estimators),
            new("demo beta-sweep", "one model per β and seed: distortion against rate, and prior samples per β",
            [
                Flag.List("betas", "the values of β", "0.5,1,2,4", "B[,B…]"),
                Flag.Int("epochs", "epochs per model", 10, min: 1, max: 100_000),
                Flag.Int("seeds", "seeds per β (1, 2, …)", 3, min: 1, max: 100),
                CommonFlags.Latent,
                CommonFlags.TrainingData,
                CommonFlags.Limit,
                Flag.Path("out", "the curve to write, .png or .svg (the samples go to NAME-samples.EXT beside it)", "docs/images/beta-sweep.png", "FILE.png"),
                CommonFlags.Scale,
                .. DeviceFlags,
            ], BetaSweep),
        ],
    };

    private static int BetaSweep(Flags flags)
    {
        string text = flags.String("betas");
        var betas = new List<double>();
        foreach (string part in text.Split(','))
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double beta) || !double.IsFinite(beta) || beta < 0 || beta > 1e6)
                throw new UsageException($"demo beta-sweep: --betas must be a comma-separated list of numbers in [0, 1e6], not '{text}'.");
            else betas.Add(beta);
        int epochs = flags.Int("epochs");
        int seedCount = flags.Int("seeds");
        int latent = flags.Int("latent");
        string output = flags.PictureFile("out");
        var (data, device) = Open(flags);
        var model = new VaeOptions { InputSize = data.Train.PixelsPerImage, HiddenSizes = [400], LatentSize = latent };
        var training = new TrainOptions { Epochs = epochs, Device = device.Name };
        var seeds = Enumerable.Range(1, seedCount).Select(s => (ulong)s).ToArray();
        Console.WriteLine($"demo beta-sweep: {data.Name} ({data.Train.Count} train, {data.Test.Count} test), {model.Describe()}, {epochs} epochs, Adam 1e-3, batch 128, seeds 1..{seedCount}, device {device.Name}");
        Console.WriteLine($"{"beta",6} {"seed",5} {"rate (KL)",10} {"distortion",11} {"-ELBO at beta=1",16} {"active units",13}");
        var samples = new List<(double Beta, float[] Means)>();
        var points = BetaSweepDemo.Run(betas, seeds, model, training, data, device,
            p => Console.WriteLine(Invariant($"{p.Beta,6:0.##} {p.Seed,5} {p.Rate,10:F2} {p.Distortion,11:F2} {p.Rate + p.Distortion,16:F2} {p.ActiveUnits,13}")),
            (beta, trained) => samples.Add((beta, BetaSweepDemo.PriorSamples(trained, 8, 77))));
        foreach (var group in points.GroupBy(p => p.Beta))
            Console.WriteLine(Invariant($"beta {group.Key:0.##}: rate {group.Min(p => p.Rate):F2}-{group.Max(p => p.Rate):F2}, distortion {group.Min(p => p.Distortion):F2}-{group.Max(p => p.Distortion):F2}, active units {string.Join("/", group.Select(p => p.ActiveUnits))}"));
        int scale = flags.Int("scale");
        BetaSweepDemo.DrawCurve(points).Save(output, scale);
        string samplesPath = output[..^4] + "-samples" + output[^4..];
        int side = (int)Math.Round(Math.Sqrt(model.InputSize));
        BetaSweepDemo.DrawSamples(samples, side, model.InputSize / side, 8).Save(samplesPath, scale);
        Console.WriteLine($"wrote {output} and {samplesPath} (8 prior samples per beta, seed 1's model, the same z in every row)");
        return 0;
    }

    private static int Estimators(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        int images = flags.Int("images");
        int draws = flags.Int("draws");
        ulong seed = (ulong)flags.Int("seed");
        using var checkpoint = OpenModel(flags, folder, out var device);
        var (info, model) = (checkpoint.Info, checkpoint.Model);
        var test = DataSources.Load(info.Training.Data).Test;
        var c = EstimatorsDemo.Compare(model, test, images, draws, seed);
        Console.WriteLine($"demo estimators: model {folder} (epoch {info.Epoch}, {info.Model.Describe()}), first {c.Images} test images, {c.Draws} draws of eps, device {device.Name}");
        Console.WriteLine("d/d mu of E_q[log p(x|z)] at the encoder's q(z|x), per (image, latent) coordinate; mean and one draw's variance, averaged:");
        Console.WriteLine($"{"estimator",-32} {"mean",12} {"variance",14} {"variance / pathwise",20}");
        foreach (var (name, figures) in new[] { ("pathwise (reparameterization)", c.Pathwise), ("score function (REINFORCE)", c.ScoreFunction), ("score function, baseline", c.ScoreFunctionWithBaseline) })
            Console.WriteLine(Invariant($"{name,-32} {figures.Mean,12:F4} {figures.Variance,14:F2} {figures.Variance / c.Pathwise.Variance,20:F1}"));
        return 0;
    }

    private static int Gaps(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        int images = flags.Int("images");
        int steps = flags.Int("steps");
        double lr = flags.Double("lr");
        int elboSamples = flags.Int("elbo-samples");
        int iwSamples = flags.Int("iw-samples");
        ulong seed = (ulong)flags.Int("seed");
        using var checkpoint = OpenModel(flags, folder, out var device);
        var (info, model) = (checkpoint.Info, checkpoint.Model);
        var test = DataSources.Load(info.Training.Data).Test;
        Console.WriteLine($"demo gaps: model {folder} (epoch {info.Epoch}, {info.Model.Describe()}), first {Math.Min(images, test.Count)} test images, device {device.Name}");
        Console.WriteLine(Invariant($"q* per image: (mu, log sigma^2) from the encoder's, {steps} Adam steps at lr {lr}, the decoder fixed; ELBOs over {elboSamples} draws of eps, log p(x) from {iwSamples} importance samples"));
        var gaps = GapsDemo.Measure(model, test, images, steps, lr, elboSamples, iwSamples, seed);
        Console.WriteLine(Invariant($"ELBO with the encoder's q(z|x): {gaps.AmortisedElbo:F2} nats"));
        Console.WriteLine(Invariant($"ELBO with q* per image:         {gaps.OptimisedElbo:F2} nats"));
        Console.WriteLine(Invariant($"log p(x) (importance-weighted): {gaps.LogLikelihood:F2} nats"));
        Console.WriteLine(Invariant($"amortisation gap {gaps.AmortisationGap:F2} nats, approximation gap {gaps.ApproximationGap:F2} nats (total {gaps.LogLikelihood - gaps.AmortisedElbo:F2})"));
        return 0;
    }

    private static int Ring(Flags flags)
    {
        string output = flags.PictureFile("out");
        int count = flags.Int("count");
        ulong seed = (ulong)flags.Int("seed");
        var (z, g) = RingDemo.Sample(count, seed);
        var (zMean, zDeviation) = RingDemo.Radius(z);
        var (gMean, gDeviation) = RingDemo.Radius(g);
        Console.WriteLine($"demo ring: {count} samples z ~ N(0, I) in 2-D (seed {seed}) and g(z) = z/10 + z/|z| (Doersch 2016, figure 2)");
        Console.WriteLine(Invariant($"radius |z|:    mean {zMean:F4} (closed form sqrt(pi/2) = {Math.Sqrt(Math.PI / 2):F4}), standard deviation {zDeviation:F4} (sqrt(2 - pi/2) = {Math.Sqrt(2 - Math.PI / 2):F4})"));
        Console.WriteLine(Invariant($"radius |g(z)|: mean {gMean:F4} (closed form {RingDemo.ExpectedMeanRadius:F4}), standard deviation {gDeviation:F4} ({RingDemo.ExpectedRadiusDeviation:F4}): a ring"));
        RingDemo.Draw(z, g).Save(output, flags.Int("scale"));
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    // The flags every demonstration takes (DemoOptions), read into a demonstration's own options.
    private static TOptions WithSharedFlags<TOptions>(Flags flags, TOptions options) where TOptions : DemoOptions
        => (TOptions)(options with
        {
            Steps = flags.Int("steps"),
            BatchSize = flags.Int("batch"),
            Hidden = flags.Int("hidden"),
            Latent = flags.Int("latent"),
            LearningRate = flags.Double("lr"),
            Seed = (ulong)flags.Int("seed"),
            ProbeCount = flags.Int("probe"),
        });

    private static int Initialization(Flags flags)
    {
        var options = WithSharedFlags(flags, new InitializationDemoOptions()) with
        {
            Seeds = flags.Int("seeds"),
            SgdLearningRate = flags.Double("sgd-lr"),
        };
        var (data, device) = Open(flags);
        Console.WriteLine($"demo init: {data.Name} ({data.Train.Count} train, probe of {Math.Min(options.ProbeCount, data.Test.Count)} test images), " +
                          $"{data.Train.PixelsPerImage}-{options.Hidden}-{options.Latent} ReLU, batch {options.BatchSize}, Adam lr {Invariant(options.LearningRate)}, " +
                          $"SGD lr {Invariant(options.SgdLearningRate)} (loss summed over the batch), seeds {options.Seed}..{options.Seed + (ulong)options.Seeds - 1}, device {device.Name}");
        Console.WriteLine("dead = hidden ReLU units that output 0 for every probe image (decoder: for z = mu + sigma*eps, the z it is trained on)");
        Console.WriteLine($"each figure: mean over the seeds (smallest-largest)");
        Console.WriteLine($"{"init",-8} {"optimizer",-9} {"step",5} {"encoder dead",20} {"decoder dead",20} {"loss (nats)",24}");
        foreach (var initialization in options.Initializations)
            foreach (var optimizer in options.Optimizers)
            {
                var measurements = InitializationDemo.Run(options with { Initializations = [initialization], Optimizers = [optimizer] }, data, device);
                foreach (var row in InitializationDemo.Summarise(measurements))
                {
                    string diverged = row.Diverged == 0 ? "" : $"  diverged: {row.Diverged} of {row.Seeds} seeds";
                    Console.WriteLine(Invariant($"{Name(row.Initialization),-8} {Name(row.Optimizer),-9} {row.Step,5} {Percent(row.EncoderDead),20} {Percent(row.DecoderDead),20} {Nats(row.Loss),24}{diverged}"));
                }
                if (measurements.FirstOrDefault(m => m.Diverged) is { } first)
                    Console.WriteLine(Invariant($"{"",-8} {"",-9} the loss is not finite from step {first.Step} (seed {first.Seed}): the encoder's log sigma^2 reaches {first.LargestLogVariance:G4}, and exp(log sigma^2) overflows float32 above 88.7"));
            }
        return 0;

        static string Percent(Spread? s) => s is { } v ? Invariant($"{100 * v.Mean:F1}% ({100 * v.Min:F1}-{100 * v.Max:F1})") : "-";
        static string Nats(Spread? s) => s is { } v ? Invariant($"{v.Mean:F2} ({v.Min:F2}-{v.Max:F2})") : "-";
        static string Name(Enum value) => value.ToString().ToLowerInvariant();
    }

    private static int Reparameterization(Flags flags)
    {
        var options = WithSharedFlags(flags, new ReparameterizationDemoOptions()) with { Seeds = flags.Int("seeds") };
        var (data, device) = Open(flags);
        Console.WriteLine($"demo reparameterization: {data.Name}, {data.Train.PixelsPerImage}-{options.Hidden}-{options.Latent} ReLU, batch {options.BatchSize}, seeds {options.Seed}..{options.Seed + (ulong)options.Seeds - 1}, device {device.Name}");
        var result = ReparameterizationDemo.Run(options, data, device);
        Console.WriteLine($"gradient norms at initialisation (seed {options.Seed}), one batch, each loss term alone:");
        Console.WriteLine($"{"encoder gradient",-34} {"term",-15} {"encoder",12} {"enc.hidden",12} {"enc.mu",12} {"enc.logvar",12} {"decoder",12}");
        foreach (var n in result.Norms)
            Console.WriteLine(Invariant($"{Describe(n.Way),-34} {n.Term,-15} {n.Encoder,12:G6} {n.EncoderHidden,12:G6} {n.EncoderMu,12:G6} {n.EncoderLogVar,12:G6} {n.Decoder,12:G6}"));
        if (result.Training.Count > 0 && options.Steps > 0)
        {
            Console.WriteLine($"after {options.Steps} Adam steps (lr {Invariant(options.LearningRate)}), per probe image ({Math.Min(options.ProbeCount, data.Test.Count)} test images), mean over the seeds (smallest-largest):");
            Console.WriteLine($"{"encoder gradient",-34} {"loss",24} {"recon",24} {"kl",22}");
            foreach (var way in options.Ways)
            {
                var (loss, reconstruction, kl) = result.Summary(way);
                Console.WriteLine(Invariant($"{Describe(way),-34} {Format(loss, "F2"),24} {Format(reconstruction, "F2"),24} {Format(kl, "F3"),22}"));
            }
        }
        return 0;

        static string Describe(EncoderGradient way) => way switch
        {
            EncoderGradient.Pathwise => "pathwise: z = mu + sigma*eps",
            EncoderGradient.ScoreFunction => "score function (REINFORCE)",
            EncoderGradient.ScoreFunctionWithBaseline => "score function, baseline",
            _ => "none: z sampled, then constant",
        };
        static string Format(Spread s, string format) =>
            $"{s.Mean.ToString(format, CultureInfo.InvariantCulture)} ({s.Min.ToString(format, CultureInfo.InvariantCulture)}-{s.Max.ToString(format, CultureInfo.InvariantCulture)})";
    }

    private static int PriorSampling(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        int images = flags.Int("images");
        int samples = flags.Int("samples");
        ulong seed = (ulong)flags.Int("seed");
        using var checkpoint = OpenModel(flags, folder, out var device);
        var (info, model) = (checkpoint.Info, checkpoint.Model);
        var test = DataSources.Load(info.Training.Data).Test;
        images = Math.Min(images, test.Count);
        var counts = new List<int>();
        for (int n = 10; n < samples; n *= 10) counts.Add(n);
        counts.Add(samples);
        var estimates = new List<IReadOnlyList<PriorSamplingEstimate>>();
        for (int i = 0; i < images; i++)
            estimates.Add(PriorSamplingDemo.Estimate(model, test.Image(i), counts, Seeds.Derive(seed, Seeds.Pictures) + (ulong)i));
        double elbo = -PriorSamplingDemo.NegativeElbos(model, test, images, seed).Average();
        Console.WriteLine($"demo prior-sampling: model {folder} (epoch {info.Epoch}, latent {info.Model.LatentSize}), first {images} test images, device {device.Name}");
        Console.WriteLine("log p(x) estimated as log of the mean of p(x|z) over n samples z ~ N(0, I); averages over the images:");
        Console.WriteLine($"{"n",9} {"estimate (nats)",16} {"best log p(x|z)",16} {"effective samples",18}");
        for (int k = 0; k < counts.Count; k++)
        {
            int column = k;
            Console.WriteLine(Invariant($"{counts[k],9} {estimates.Average(e => e[column].LogLikelihoodEstimate),16:F2} {estimates.Average(e => e[column].BestLogLikelihood),16:F2} {estimates.Average(e => e[column].EffectiveSamples),18:F2}"));
        }
        Console.WriteLine(Invariant($"ELBO with one z from q(z|x): {elbo:F2} nats (a lower bound of log p(x))"));
        return 0;
    }

    private static int Pictures(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        string output = flags.String("out");
        string prefix = flags.String("prefix", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
        int grid = flags.Int("grid");
        double extent = flags.Double("extent");
        using var checkpoint = OpenModel(flags, folder, out var device);
        var (info, model) = (checkpoint.Info, checkpoint.Model);
        var data = DataSources.Load(info.Training.Data);
        Directory.CreateDirectory(output);
        var written = new List<string>();
        string Target(string name)
        {
            string path = Path.Combine(output, $"{prefix}-{name}.png");
            written.Add(path);
            return path;
        }
        var test = data.Test;
        int scale = flags.Int("scale");
        Vae.Images.Pictures.WriteSamples(model, Target("samples"), test.Height, test.Width, Seeds.Derive(info.Training.Seed, Seeds.Pictures), scale: scale);
        Vae.Images.Pictures.WriteReconstructions(model, test, Target("reconstructions"), pairs: 16, scale);
        var history = Checkpoint.ReadMetrics(folder);
        if (history.Count > 0) CurvePicture.WriteTerms(history, Target("curves"), scale);
        if (info.Model.LatentSize == 2)
        {
            LatentPictures.WriteManifold(model, Target("manifold"), test.Height, test.Width, grid, extent, scale);
            LatentPictures.WriteScatter(model, test, Target("latent"), scale);
        }
        Console.WriteLine($"model {folder}: epoch {info.Epoch}, latent {info.Model.LatentSize}; wrote {string.Join(", ", written)}");
        return 0;
    }

    // The trained model of --checkpoint, on the device of --device/--threads.
    private static LoadedCheckpoint OpenModel(Flags flags, string folder, out Tensors.Device device)
    {
        device = CommandSupport.OpenDevice(flags.String("device"), flags.OptionalInt("threads"));
        return LoadedCheckpoint.Open(folder, device);
    }

    private static (DataSplit Data, Tensors.Device Device) Open(Flags flags)
    {
        var device = CommandSupport.OpenDevice(flags.String("device"), flags.OptionalInt("threads"));
        var data = DataSources.Load(flags.String("data"));
        if (flags.OptionalInt("limit") is int limit) data = data with { Train = data.Train.Take(limit), Test = data.Test.Take(limit) };
        return (data, device);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
