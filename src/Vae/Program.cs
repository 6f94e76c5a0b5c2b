using ScratchVae.Vae.Cli;

namespace ScratchVae.Vae;

/// <summary>The scratchvae command line: <c>scratchvae VERB [flags]</c>.</summary>
public static class Program
{
    /// <summary>Runs a verb and returns the process exit code (0 success, 1 failure, 2 bad usage).</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "devices" => DevicesCommand.Run(args[1..]),
                "train" => TrainCommand.Run(args[1..]),
                "eval" => EvalCommand.Run(args[1..]),
                "sample" => SampleCommand.Run(args[1..]),
                "reconstruct" => ReconstructCommand.Run(args[1..]),
                "interpolate" => InterpolateCommand.Run(args[1..]),
                "manifold" => ManifoldCommand.Run(args[1..]),
                "latent-scatter" => LatentScatterCommand.Run(args[1..]),
                "gradcheck" => GradCheckCommand.Run(args[1..]),
                "worked-example" => WorkedExampleCommand.Run(args[1..]),
                "demo" => DemoCommand.Run(args[1..]),
                _ => Fail($"unknown verb '{args[0]}'.\n{Usage}"),
            };
        }
        catch (UsageException usage)
        {
            return Fail(usage.Message);
        }
        catch (Exception exception) when (exception is Data.DataFormatException or Checkpoints.CheckpointException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"scratchvae: {exception.Message}");
            return 1;
        }
        catch (Exception exception)
        {
            // Anything else is a defect or an input no check caught: one line naming it, exit 1, nothing saved lost
            // (saves are atomic). SCRATCHVAE_STACK_TRACES=1 prints the trace as well.
            Console.Error.WriteLine($"scratchvae: {exception.GetType().Name}: {exception.Message.Split('\n')[0]}");
            if (Environment.GetEnvironmentVariable("SCRATCHVAE_STACK_TRACES") is not null) Console.Error.WriteLine(exception);
            return 1;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"scratchvae: {message}");
        return 2;
    }

    private const string Usage = """
        usage: scratchvae VERB [flags]
          train [--data mnist|fashion-mnist|DIR] [--architecture mlp|conv] [--epochs 10] [--batch 128] [--hidden 400 | --hidden 1024,768,512]
                [--latent 20] [--likelihood bernoulli|gaussian] [--variance 1] [--beta 1] [--activation relu|tanh|elu]
                [--init pytorch|xavier|kaiming] [--optimizer adam|adamw|sgd] [--lr 1e-3] [--weight-decay L]
                [--beta1 0.9 --beta2 0.999 --eps 1e-8 (adam, adamw)] [--momentum 0 --dampening 0 --nesterov (sgd)]
                [--schedule constant|step|cosine] [--warmup STEPS] [--step-size 1000 --gamma 0.1 (step)] [--min-lr 0 (cosine)]
                [--clip-norm N] [--kl-warmup EPOCHS] [--free-bits NATS] [--device auto|host|cuda|opencl|ilgpu-cpu] [--seed 1] [--threads N]
                [--out DIR] [--resume] [--limit N] [--no-images] [--log-steps N]
          eval --checkpoint DIR [--data D] [--iw-samples 5000] [--batch B] [--seed S] [--limit N] [--device D] [--threads N]
                prints test_loss (mean −ELBO per test example, as training reports it) and iw_log_likelihood
                (importance-weighted estimate of log p(x) per example with K = --iw-samples; Burda et al. 2016)
          sample --checkpoint DIR --out FILE.png [--count 64] [--seed S]        decoded z ~ N(0, I)
          reconstruct --checkpoint DIR --out FILE.png [--data D] [--count 16]   test images and decode(mu(x))
          interpolate --checkpoint DIR --out FILE.png [--data D] [--from 0 --to 1] [--steps 10]
                decodes the line from mu(x_from) to mu(x_to) of two test images
          manifold --checkpoint DIR --out FILE.png [--grid 20]     decoder over z = Φ⁻¹(even grid in (0,1)²), dims 0 and 1
          latent-scatter --checkpoint DIR --out FILE.png [--data D] [--limit N]   mu(x) dims 0 and 1, coloured by label
                (the picture verbs also take --device D --threads N; --data defaults to the checkpoint's data set)
          gradcheck [--device host] [--architecture mlp|conv] [--pixels 6 (conv: 64)] [--hidden 5 | --hidden 5,4] [--latent 2] [--batch 4] [--seed 1] [--mode auto|full|projection]
                    [--projections 8] [--likelihood ...] [--activation ...]
                checks the VAE loss's gradient w.r.t. every parameter against finite differences in float64;
                auto uses random projections from --pixels 784 (or above 20,000 parameters) up
          worked-example                   the 4-pixel, 2-latent VAE of docs/vae-math.md: every value and gradient
          demo init|reparameterization|prior-sampling|pictures|ring|gaps|estimators|beta-sweep [...]   the measured demonstrations of docs/demonstrations.md
          devices [--gemm] [--threads N]   list every device (type, name, memory, usable or why not);
                                           with --gemm, time a short GEMM on each usable device and
                                           check it against the host result
        """;
}
