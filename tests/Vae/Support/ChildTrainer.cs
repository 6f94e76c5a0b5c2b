using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace ScratchVae.Tests.Vae.Support;

/// <summary>
/// The command line in a child process (the built scratchvae.dll beside the tests), for what only a real process can
/// show: signals, kill -9, two trainers at once. Its standard output arrives line by line.
/// </summary>
public sealed class ChildTrainer : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly StringBuilder _output = new(), _error = new();

    private ChildTrainer(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "scratchvae.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _lines.CompleteAdding(); return; }
            lock (_output) _output.AppendLine(e.Data);
            _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_error) _error.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>scratchvae ARGS</c>.</summary>
    public static ChildTrainer Start(params string[] args) => new(args);

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything printed so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Everything printed to standard error so far.</summary>
    public string Error { get { lock (_error) return _error.ToString(); } }

    /// <summary>Waits for the first output line that satisfies <paramref name="match"/>; fails after <paramref name="seconds"/>.</summary>
    public string WaitForLine(Func<string, bool> match, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out var line, TimeSpan.FromMilliseconds(50)))
            {
                if (match(line)) return line;
            }
            else if (_lines.IsCompleted) break;
        }
        Assert.Fail($"no matching line within {seconds} s; the child printed:\n{Output}\nstderr:\n{Error}");
        return "";
    }

    /// <summary>Sends <paramref name="signal"/> ("INT", "TERM", "KILL") through kill(1).</summary>
    public void Signal(string signal)
    {
        // A shell without job control starts background jobs with SIGINT ignored, and .NET keeps an inherited SIG_IGN:
        // such a child never sees Ctrl-C, and the tests that send one would fail for that reason alone.
        if (signal == "INT" && IgnoresSigint(Id))
            Assert.Ignore("SIGINT is ignored by this process tree (the tests were started as a background job of a shell without job "
                          + "control, which sets SIGINT to SIG_IGN; children inherit it), so the child cannot see a Ctrl-C: run them in the foreground");
        using var kill = Process.Start("kill", ["-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    // True when /proc says the process ignores SIGINT (bit 1 of its SigIgn mask, signal 2).
    private static bool IgnoresSigint(int pid)
    {
        string status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return false;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    /// <summary>Waits for the process to end and returns its exit code (128 + N for signal N).</summary>
    public int WaitForExit(double seconds = 120)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(seconds)))
        {
            _process.Kill();
            Assert.Fail($"the child did not end within {seconds} s:\n{Output}\nstderr:\n{Error}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
