using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae;

namespace ScratchVae.Tests.Vae.Support;

/// <summary>What one in-process run of the command line produced.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>For assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";

    /// <summary>The value after "<paramref name="key"/> " on the stdout line that starts with it (a key may be several words).</summary>
    public double Value(string key)
    {
        var line = Output.Split('\n').FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))
            ?? throw new AssertionException($"no line starting with '{key}' in\n{this}");
        return double.Parse(line[(key.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Runs <see cref="Program.Main"/> in this process with standard output and error captured.</summary>
public static class Cli
{
    /// <summary>Runs <c>scratchvae ARGS</c>.</summary>
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        int code;
        try
        {
            code = Program.Main(args);
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary folder removed at the end of a test.</summary>
public sealed class TemporaryFolder : IDisposable
{
    /// <summary>Creates an empty folder under the system's temporary path.</summary>
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scratchvae-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Snapshots of a folder's files, to prove that a failed command changed nothing.</summary>
public static class FolderContents
{
    /// <summary>
    /// File name → bytes of every file in <paramref name="folder"/> and in the checkpoint set it points to (the empty
    /// lock file, which any trainer creates to take the folder, is not part of what is saved; a link is its target's name).
    /// </summary>
    public static Dictionary<string, byte[]> Read(string folder)
    {
        var files = Directory.GetFiles(folder).Where(path => System.IO.Path.GetFileName(path) != TrainingLock.LockFile)
            .ToDictionary(path => System.IO.Path.GetFileName(path),
                path => new FileInfo(path).LinkTarget is { } target ? System.Text.Encoding.UTF8.GetBytes("link to " + target) : File.ReadAllBytes(path));
        string set = CheckpointStore.Resolve(folder);
        if (set != folder)
            foreach (string path in Directory.GetFiles(set)) files["set/" + System.IO.Path.GetFileName(path)] = File.ReadAllBytes(path);
        return files;
    }

    /// <summary>Asserts that <paramref name="folder"/> holds exactly the files and bytes of <paramref name="before"/>.</summary>
    public static void AssertUnchanged(string folder, Dictionary<string, byte[]> before, string because)
    {
        var after = Read(folder);
        Assert.That(after.Keys.Order(), Is.EqualTo(before.Keys.Order()), $"{because}: the folder's files changed");
        foreach (var (name, bytes) in before)
            Assert.That(after[name], Is.EqualTo(bytes), $"{because}: {name} changed");
    }
}
