namespace ScratchVae.Tool;

/// <summary>The entry point of the packed tool: the same command line as <c>dotnet run --project src/Vae</c>.</summary>
public static class Program
{
    /// <summary>Runs <see cref="ScratchVae.Vae.Program.Main"/>.</summary>
    public static int Main(string[] args) => ScratchVae.Vae.Program.Main(args);
}
