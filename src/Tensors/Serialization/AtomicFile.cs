namespace ScratchVae.Tensors;

/// <summary>
/// Writes a file so that readers see either the old contents or the complete new ones, never half:
/// write a temporary file in the same folder, flush it to disk, then rename it over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>, atomically, creating its folder when missing. A
    /// file that cannot be written is an <see cref="IOException"/> that names it and says why ("cannot write
    /// out/x.png: permission denied"); the old file, if any, is left as it was.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write {path}: its folder {folder} cannot be created{(failure is UnauthorizedAccessException ? " (permission denied)" : "")}", failure);
        }
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            Remove(temporary);
            throw new IOException($"cannot write {path}: {Reason(failure, folder)}", failure);
        }
        catch
        {
            Remove(temporary);
            throw;
        }
    }

    private static void Remove(string temporary)
    {
        try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // Why a write failed, in a few words (the runtime's messages name the temporary file, not the one asked for).
    private static string Reason(Exception failure, string folder) => failure switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException or FileNotFoundException => $"no file can be created in {folder}",
        IOException io when io.HResult == 28 || io.Message.Contains("space", StringComparison.OrdinalIgnoreCase) => "the disk is full",
        _ => failure.Message,
    };

    /// <summary>Writes text (UTF-8) atomically.</summary>
    public static void WriteText(string path, string text)
        => Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));
}
