using System.Diagnostics;
using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Runtime;
using ScratchVae.Kernels.Ilgpu;

namespace ScratchVae.Tests.Support;

/// <summary>
/// What the tests that hand ILGPU's generated kernel text to real compilers (ptxas, clang) share: the catalogue's
/// kernels as test cases, one ILGPU backend that survives a failed compilation, and finding and running a program.
/// </summary>
public static class ExternalKernelCompilers
{
    /// <summary>"Class.Method&lt;Single, Sigmoid&gt;": how the compilation tests name a concrete kernel.</summary>
    public static string DisplayName(KernelDefinition definition, MethodInfo kernel) =>
        $"{definition.Name}<{string.Join(", ", kernel.GetGenericArguments().Select(type => type.Name))}>";

    /// <summary>ILGPU's entry point for a kernel, launched as the backend launches it.</summary>
    public static EntryPointDescription EntryPoint(KernelDefinition definition, MethodInfo kernel) =>
        definition.IsExplicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel);

    /// <summary>
    /// The first program found: the path in <paramref name="environmentVariable"/> (which must exist when set), then
    /// each of <paramref name="names"/> on PATH, then each of <paramref name="fallbackPaths"/>. Null when none exists.
    /// </summary>
    public static string? FindProgram(string environmentVariable, IEnumerable<string> names, IEnumerable<string> fallbackPaths)
    {
        string? configured = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string name in names)
            foreach (string directory in directories)
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        return fallbackPaths.FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a program to completion (killing it after <paramref name="timeout"/>); its exit code and its stdout and stderr together.</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"{Path.GetFileName(program)} ran past {timeout.TotalSeconds:0} s and was stopped\n{stdout.Result}{stderr.Result}");
        }
        return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
    }

    /// <summary>A folder of its own under the temporary folder, for the files handed to the compilers.</summary>
    public static string CreateScratchFolder(string prefix) =>
        Directory.CreateTempSubdirectory($"scratchvae-{prefix}-").FullName;
}

/// <summary>
/// An ILGPU context and one backend made by <c>createBackend</c>, configured as devices configure theirs. A failed
/// compilation leaves an ILGPU context unusable for later ones, so a failure gets a fresh context and the other kernels
/// still report their own results.
/// </summary>
public sealed class RecoveringKernelCompiler(Func<Context, Backend> createBackend) : IDisposable
{
    private Context? _context;
    private Backend? _backend;

    /// <summary>Compiles one kernel of the catalogue.</summary>
    public CompiledKernel Compile(KernelDefinition definition, MethodInfo kernel)
    {
        if (_backend is null)
        {
            _context = Context.Create(builder => IlgpuContextSettings.Apply(builder));
            _backend = createBackend(_context);
        }
        try
        {
            return _backend.Compile(ExternalKernelCompilers.EntryPoint(definition, kernel), new KernelSpecialization());
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _backend?.Dispose();
        _context?.Dispose();
        _backend = null;
        _context = null;
    }
}
