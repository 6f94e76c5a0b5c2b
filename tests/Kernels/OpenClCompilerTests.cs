using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime.OpenCL;
using ScratchVae.Kernels.Ilgpu;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Hands the OpenCL C that ILGPU generates for every kernel of <see cref="KernelCatalogue.Instantiations"/> (the
/// backend as <see cref="IlgpuCompilationTests"/> configures it: OpenCL C 2.0, NVIDIA vendor, every capability) to
/// clang, which compiles OpenCL C to SPIR with no OpenCL device present: a kernel clang rejects would fail to build on
/// a real OpenCL driver. ILGPU's code needs OpenCL C 2.0 (the generic address space) and the standard built-in
/// declarations, hence <c>-cl-std=CL2.0 -Xclang -finclude-default-header</c>; spir64 enables every extension
/// (cl_khr_fp64 included). Warnings are printed but do not fail.
/// <para>
/// Skipped when clang is absent (<c>apt-get install clang</c>); $SCRATCHVAE_CLANG names another binary.
/// </para>
/// </summary>
[TestFixture]
public sealed class OpenClCompilerTests
{
    /// <summary>The environment variable naming the clang binary to use.</summary>
    public const string ClangVariable = "SCRATCHVAE_CLANG";

    /// <summary>clang's arguments before the source file.</summary>
    public static readonly string[] ClangArguments =
        ["-x", "cl", "-cl-std=CL2.0", "-target", "spir64", "-Xclang", "-finclude-default-header", "-O1", "-c", "-emit-llvm", "-o", "/dev/null"];

    private static readonly int[] ClangVersions = Enumerable.Range(14, 8).Reverse().ToArray();

    private static readonly Lazy<string?> Clang = new(() => ExternalKernelCompilers.FindProgram(ClangVariable,
        ["clang", .. ClangVersions.Select(version => $"clang-{version}")],
        ClangVersions.Select(version => $"/usr/lib/llvm-{version}/bin/clang")));

    private RecoveringKernelCompiler? _compiler;
    private string? _folder;
    private int _files;

    /// <summary>Every concrete kernel.</summary>
    public static IEnumerable<TestCaseData> Kernels() =>
        KernelCatalogue.Instantiations().Select(pair => new TestCaseData(pair.Definition, pair.Kernel)
            .SetArgDisplayNames(ExternalKernelCompilers.DisplayName(pair.Definition, pair.Kernel)));

    [OneTimeSetUp]
    public void CreateCompiler()
    {
        _compiler = new RecoveringKernelCompiler(context => new CLBackend(context,
            new CLCapabilityContext(true, true, true, true, true), CLDeviceVendor.Nvidia, CLCVersion.CL20));
        _folder = ExternalKernelCompilers.CreateScratchFolder("opencl");
    }

    [OneTimeTearDown]
    public void DisposeCompiler()
    {
        _compiler?.Dispose();
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [TestCaseSource(nameof(Kernels))]
    public void Compiles(KernelDefinition definition, MethodInfo kernel)
    {
        string? clang = Clang.Value;
        if (clang is null)
            Assert.Ignore("clang was not found: `apt-get install clang` (it compiles OpenCL C to SPIR), or set " + ClangVariable + " to a clang binary");
        string name = ExternalKernelCompilers.DisplayName(definition, kernel);
        var compiled = (CLCompiledKernel)_compiler!.Compile(definition, kernel);
        string file = Path.Combine(_folder!, $"kernel-{++_files}.cl");
        File.WriteAllText(file, compiled.Source);
        var (exitCode, output) = ExternalKernelCompilers.Run(clang!, [.. ClangArguments, file], TimeSpan.FromSeconds(120));
        File.Delete(file);
        Assert.That(exitCode, Is.Zero, $"{Path.GetFileName(clang)} rejected the OpenCL C of {name}:\n{output}");
        int warnings = Regex.Matches(output, @"\bwarning:").Count;
        TestContext.Out.WriteLine(warnings == 0 ? $"{name}: compiled cleanly" : $"{name}: compiled with {warnings} warnings:\n{output}");
    }
}
