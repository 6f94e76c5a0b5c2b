using ScratchVae.Tensors;

namespace ScratchVae.Vae.Cli;

/// <summary>Pieces several verbs share.</summary>
public static class CommandSupport
{
    /// <summary>Opens the requested device, turning "absent" and "unusable" into a usage error that says why.</summary>
    public static Device OpenDevice(string name, int? threads)
    {
        try
        {
            return Device.Open(name, threads);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // "Device 'cuda' is not usable: no CUDA device found …" says the name twice; keep the reason.
            string reason = exception is ArgumentException { ParamName: { } parameter } argument
                ? argument.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : exception.Message;
            string repeated = $"Device '{name}' is not usable: ";
            if (reason.StartsWith(repeated, StringComparison.Ordinal)) reason = reason[repeated.Length..];
            throw new UsageException($"device '{name}' cannot be used: {reason} (run 'scratchvae devices' to see what is available)");
        }
    }
}
