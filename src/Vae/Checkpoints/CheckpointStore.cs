using System.Globalization;
using System.Text.RegularExpressions;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Checkpoints;

/// <summary>
/// How a checkpoint folder keeps its files as one set that is switched in one atomic step, so that a kill at any
/// instant leaves either the old complete set or the new one:
/// <code>
/// runs/mnist/
///   current                     one line naming the set in use, e.g. "checkpoint-00000710-1f3a9c"
///   checkpoint-00000710-1f3a9c/ model.safetensors optimizer.safetensors config.json metrics.csv
///   model.safetensors → checkpoint-00000710-1f3a9c/model.safetensors   (links for other tools, e.g. PyTorch)
///   …, samples.png, reconstructions.png, loss.png, .lock, .lock-owner
/// </code>
/// A save writes the new set into a hidden staging folder (every file flushed to disk), renames it to its
/// generation name, then replaces <c>current</c> by renaming a new pointer file over it — the one step that switches
/// sets — and only then updates the links and deletes the old generation. Readers follow <c>current</c> once and read
/// the whole set from that folder. Staging folders, pointer files and generations that a killed save left behind are
/// removed by the next trainer (<see cref="RemoveStale"/>). A folder written before generations existed (the four
/// files directly in it, no <c>current</c>) is read as it is.
/// </summary>
public static partial class CheckpointStore
{
    /// <summary>The pointer file.</summary>
    public const string CurrentFile = "current";

    private const string StagingPrefix = ".staging-";
    // The files a trainer writes into the folder itself (through AtomicFile, whose temporaries are ".NAME.PID.GUID.tmp").
    private static readonly string[] TrainerFiles = [CurrentFile, .. SetFilesList(), "samples.png", "reconstructions.png", "loss.png", TrainingLock.OwnerFile];

    private static string[] SetFilesList() => [Checkpoint.ModelFile, Checkpoint.OptimizerFile, Checkpoint.ConfigFile, Checkpoint.MetricsFile];
    private const string LinkPrefix = ".link-";

    [GeneratedRegex("^checkpoint-[0-9]{8}-[0-9a-f]{6}$")]
    private static partial Regex GenerationName();

    /// <summary>The files of a set.</summary>
    public static readonly string[] SetFiles = SetFilesList();

    /// <summary>
    /// The folder holding the set in use: the generation <c>current</c> names, or <paramref name="folder"/> itself for a
    /// folder without one. A pointer that is malformed or names anything but a generation folder beside it is refused.
    /// </summary>
    public static string Resolve(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string pointer = Path.Combine(folder, CurrentFile);
        if (!File.Exists(pointer)) return folder;
        string name;
        try
        {
            // A pointer is one short line; never read a huge file into memory because it is called "current".
            using var stream = File.OpenRead(pointer);
            var buffer = new byte[64];
            int length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length == buffer.Length) throw new CheckpointException(pointer, "it is longer than a generation name");
            name = System.Text.Encoding.ASCII.GetString(buffer, 0, length).Trim();
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new CheckpointException(pointer, $"it cannot be read ({exception.Message})");
        }
        if (!GenerationName().IsMatch(name))
            throw new CheckpointException(pointer, "it does not name a checkpoint generation (checkpoint-NNNNNNNN-xxxxxx)");
        string generation = Path.Combine(folder, name);
        if (!Directory.Exists(generation)) throw new CheckpointException(pointer, $"it names {name}, which does not exist");
        return generation;
    }

    /// <summary>
    /// Writes a new set for optimizer step <paramref name="step"/>: <paramref name="writeFiles"/> writes the four files
    /// into the staging folder it is given; then the set is switched in atomically (see the class remarks). The lock
    /// of the folder must be held.
    /// </summary>
    public static void Save(string folder, int step, Action<string> writeFiles)
    {
        ArgumentNullException.ThrowIfNull(writeFiles);
        Directory.CreateDirectory(folder);
        string tag = Guid.NewGuid().ToString("N")[..6];
        string staging = Path.Combine(folder, $"{StagingPrefix}{Environment.ProcessId}-{tag}");
        string name = string.Create(CultureInfo.InvariantCulture, $"checkpoint-{step:D8}-{tag}");
        Directory.CreateDirectory(staging);
        try
        {
            writeFiles(staging);
            foreach (string file in SetFiles)
                if (!File.Exists(Path.Combine(staging, file))) throw new InvalidOperationException($"The checkpoint set misses {file}.");
            Directory.Move(staging, Path.Combine(folder, name));
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
        // The switch: one rename of a complete pointer file over the old one.
        AtomicFile.WriteText(Path.Combine(folder, CurrentFile), name + "\n");
        UpdateLinks(folder, name);
        RemoveStale(folder);
    }

    /// <summary>
    /// Deletes what interrupted saves leave behind: staging folders, temporary pointer and link files, and every
    /// generation that <c>current</c> does not name. Call it only while holding the folder's lock.
    /// </summary>
    public static void RemoveStale(string folder)
    {
        if (!Directory.Exists(folder)) return;
        string current = Resolve(folder);
        foreach (string directory in Directory.EnumerateDirectories(folder))
        {
            string name = Path.GetFileName(directory);
            bool stale = name.StartsWith(StagingPrefix, StringComparison.Ordinal)
                || (GenerationName().IsMatch(name) && !string.Equals(Path.GetFullPath(directory), Path.GetFullPath(current), StringComparison.Ordinal));
            if (stale) TryDelete(directory);
        }
        foreach (string file in Directory.EnumerateFiles(folder, ".*"))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith(LinkPrefix, StringComparison.Ordinal)
                || (name.EndsWith(".tmp", StringComparison.Ordinal) && TrainerFiles.Any(f => name.StartsWith($".{f}.", StringComparison.Ordinal))))
                TryDelete(file);
        }
        if (current != folder) UpdateLinks(folder, Path.GetFileName(current));
    }

    // Each file of the set gets a link beside the pointer, so that DIR/model.safetensors reads as before; a file of
    // that name from a folder written before generations existed is replaced by the link.
    private static void UpdateLinks(string folder, string generation)
    {
        foreach (string file in SetFiles)
        {
            string link = Path.Combine(folder, file);
            string target = Path.Combine(generation, file);
            var existing = new FileInfo(link);
            if (existing.LinkTarget == target) continue;
            string temporary = Path.Combine(folder, $"{LinkPrefix}{Guid.NewGuid():N}");
            File.CreateSymbolicLink(temporary, target);
            File.Move(temporary, link, overwrite: true);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
