using System.Net;
using ScratchVae.Vae.Explorer;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae explore --checkpoint DIR [--port 8000]</c>: serves the latent-space explorer on
/// http://127.0.0.1:PORT/ until Ctrl+C.
/// </summary>
public static class ExploreCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("explore", "serves the latent-space explorer on http://127.0.0.1:PORT/: a slider per latent dimension, a 2-D pad, a test image's q(z|x), a path between two",
        [
            CommonFlags.Checkpoint,
            Flag.Int("port", "the port on 127.0.0.1 to serve on", 8000, min: 1, max: 65535),
            CommonFlags.CheckpointData,
            CommonFlags.Limit with { Help = "use only the first N test images" },
            CommonFlags.Device,
            CommonFlags.Threads,
        ], Run);

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        int port = flags.Int("port");
        using var checkpoint = LoadedCheckpoint.Open(flags);
        var data = checkpoint.LoadData(flags);
        var explorer = new LatentExplorer(checkpoint.Model, data.Test);
        ExplorerServer server;
        try
        {
            server = new ExplorerServer(explorer, port, checkpoint.Describe());
        }
        catch (HttpListenerException failure)
        {
            throw new UsageException($"explore: cannot serve on 127.0.0.1:{port} ({failure.Message}); choose another port with --port.");
        }
        using (server)
        {
            using var stopped = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stopped.Set();
            };
            Console.WriteLine(checkpoint.Describe());
            Console.WriteLine($"explore: {data.Name} test images ({data.Test.Count}); most used latent dimensions (mean KL): " +
                              string.Join(", ", explorer.Order.Take(5).Select(j => FormattableString.Invariant($"z{j + 1} {explorer.KlPerDimension[j]:F2}"))));
            Console.WriteLine($"serving {server.Address} (127.0.0.1 only); Ctrl+C stops");
            stopped.Wait();
        }
        Console.WriteLine("explore: stopped");
        return 0;
    }
}
