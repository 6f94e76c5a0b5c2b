using System.ComponentModel;
using System.Diagnostics;

namespace ScratchVae.Bench.Report;

/// <summary>What a child process did.</summary>
/// <param name="ExitCode">Its exit code (-1 when it could not be started or was killed at the time limit).</param>
/// <param name="Output">Its standard output.</param>
/// <param name="Error">Its standard error, or why it did not run.</param>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty line of standard error (or output): what a failure says in one line.</summary>
    public string LastLine => (Error + "\n" + Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit {ExitCode}";
}

/// <summary>Runs a program to completion with a changed environment, capturing its output; never throws for a program that is missing.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/>; <paramref name="environment"/> sets variables
    /// (a null value removes one). Killed after <paramref name="timeout"/>.
    /// </summary>
    public static ProcessResult Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception exception)
        {
            return new ProcessResult(-1, "", $"{program} could not be started: {exception.Message}");
        }
        using (process)
        {
            // No input: a peer never waits on (or is stopped for reading) the terminal.
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromHours(1)))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                return new ProcessResult(-1, output.Result, error.Result + $"\n{program}: killed after {(timeout ?? TimeSpan.FromHours(1)).TotalSeconds:F0} s");
            }
            process.WaitForExit();
            return new ProcessResult(process.ExitCode, output.Result, error.Result);
        }
    }
}
