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
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"scratchvae: {message}");
        return 2;
    }

    private const string Usage = """
        usage: scratchvae VERB [flags]
          train [--data mnist|fashion-mnist|DIR] [--epochs 10] [--batch 128] [--lr 1e-3] [--hidden 400]
                [--latent 20] [--likelihood bernoulli|gaussian] [--beta 1] [--activation relu|tanh|elu]
                [--init pytorch|xavier] [--device auto|host|cuda|opencl|ilgpu-cpu] [--seed 1] [--threads N]
                [--out DIR] [--resume] [--limit N] [--no-images]
          devices [--gemm] [--threads N]   list every device (type, name, memory, usable or why not);
                                           with --gemm, time a short GEMM on each usable device and
                                           check it against the host result
        """;
}
