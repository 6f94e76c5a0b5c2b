using System.Diagnostics;
using System.Globalization;
using ScratchVae.Tensors;

namespace ScratchVae.Vae.Checkpoints;

/// <summary>
/// One trainer per checkpoint folder: an exclusive lock on <c>DIR/.lock</c> (the operating system's advisory file
/// lock, which it releases when the process ends, however it ends, so a lock left by a killed trainer is free), and
/// <c>DIR/.lock-owner</c> naming the holder for the message a second trainer gets.
/// </summary>
public sealed class TrainingLock : IDisposable
{
    /// <summary>The locked file.</summary>
    public const string LockFile = ".lock";
    /// <summary>The holder's process id, host and start time.</summary>
    public const string OwnerFile = ".lock-owner";

    private readonly FileStream _stream;

    private TrainingLock(FileStream stream, string folder, string? previousOwner)
    {
        _stream = stream;
        Folder = folder;
        PreviousOwner = previousOwner;
    }

    /// <summary>The locked folder.</summary>
    public string Folder { get; }

    /// <summary>The owner recorded by a trainer that ended without releasing its claim (it was killed), or null.</summary>
    public string? PreviousOwner { get; }

    /// <summary>
    /// Takes the lock of <paramref name="folder"/> (creating the folder), or throws <see cref="CheckpointException"/>
    /// naming the process that holds it.
    /// </summary>
    public static TrainingLock Acquire(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        string lockPath = Path.Combine(folder, LockFile);
        string ownerPath = Path.Combine(folder, OwnerFile);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new CheckpointException(folder, $"another trainer is writing to it ({ReadOwner(ownerPath) ?? "process unknown"}); wait for it to finish or train into another --out folder");
        }
        string? previous = ReadOwner(ownerPath);
        try
        {
            using var self = Process.GetCurrentProcess();
            AtomicFile.WriteText(ownerPath, string.Create(CultureInfo.InvariantCulture,
                $"process {Environment.ProcessId} on {Environment.MachineName}, started {self.StartTime.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC\n"));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new TrainingLock(stream, folder, previous);
    }

    private static string? ReadOwner(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            using var stream = File.OpenRead(path);
            var buffer = new byte[256];
            int length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            string text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Releases the lock and removes the owner file.</summary>
    public void Dispose()
    {
        try { File.Delete(Path.Combine(Folder, OwnerFile)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}
