using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Cli;

/// <summary>Pieces several verbs share.</summary>
public static class CommandSupport
{
    /// <summary>Opens the requested device, turning "absent" and "unusable" into a usage error that says why.</summary>
    public static Device OpenDevice(string name, int? threads)
    {
        const string hint = "(run 'scratchvae devices' to see what is available)";
        if (Backends.UnusableReason(name) is { } reason) throw new UsageException($"device '{name}' cannot be used: {reason} {hint}");
        try
        {
            return Device.Open(name, threads);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new UsageException($"device '{name}' cannot be used: {exception.Message} {hint}");
        }
    }
}
