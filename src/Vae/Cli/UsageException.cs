namespace ScratchVae.Vae.Cli;

/// <summary>A bad flag or value on the command line; the message says which and why.</summary>
public sealed class UsageException(string message) : Exception(message);
