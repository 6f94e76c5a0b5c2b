using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using NUnit.Framework;
using ScratchVae.Kernels.Ilgpu;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Compiles every ILGPU kernel — each catalogue entry × float/double × every operator struct, found by reflection —
/// to PTX (CUDA) and OpenCL C with no device present, so GPU code paths are checked on machines without a GPU.
/// </summary>
[TestFixture]
public sealed class IlgpuCompilationTests
{
    private Context? _context;
    private PTXBackend? _ptx;
    private CLBackend? _openCl;

    /// <summary>Every concrete kernel, named for the test report.</summary>
    public static IEnumerable<TestCaseData> Kernels() =>
        KernelCatalogue.Instantiations().Select(pair => new TestCaseData(pair.Definition, pair.Kernel)
            .SetArgDisplayNames($"{pair.Definition.Name}<{string.Join(", ", pair.Kernel.GetGenericArguments().Select(type => type.Name))}>"));

    [OneTimeSetUp]
    public void CreateCompilers() => Recreate();

    [OneTimeTearDown]
    public void DisposeCompilers()
    {
        _ptx?.Dispose();
        _openCl?.Dispose();
        _context?.Dispose();
    }

    /// <summary>
    /// A failed compilation leaves an ILGPU context unusable for later ones, so a failure gets a fresh context and
    /// the other kernels still report their own results.
    /// </summary>
    private void Recreate()
    {
        DisposeCompilers();
        _context = Context.Create(builder => IlgpuContextSettings.Apply(builder));
        _ptx = new PTXBackend(_context, new CudaCapabilityContext(CudaArchitecture.SM_70), CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, null);
        _openCl = new CLBackend(_context, new CLCapabilityContext(true, true, true, true, true), CLDeviceVendor.Nvidia, CLCVersion.CL20);
    }

    private CompiledKernel Compile(Backend backend, KernelDefinition definition, MethodInfo kernel)
    {
        var entry = definition.IsExplicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        try
        {
            return backend.Compile(entry, new KernelSpecialization());
        }
        catch
        {
            Recreate();
            throw;
        }
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompilesToPtx(KernelDefinition definition, MethodInfo kernel)
    {
        var compiled = (PTXCompiledKernel)Compile(_ptx!, definition, kernel);
        Assert.That(compiled.PTXAssembly, Is.Not.Empty);
        Assert.That(compiled.Name, Does.Contain(kernel.Name));
        Assert.That(compiled.PTXAssembly, Does.Contain($".entry {compiled.Name}("));
        // A .NET method ILGPU has no intrinsic for (MathF.FusedMultiplyAdd, say) becomes an external function that the
        // CUDA driver's PTX compiler cannot link: seen on an H100 as "a PTX JIT compilation failed".
        Assert.That(compiled.PTXAssembly, Does.Not.Contain(".extern .func"), "the kernel calls a function ILGPU could not compile");
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompilesToOpenClC(KernelDefinition definition, MethodInfo kernel)
    {
        var compiled = (CLCompiledKernel)Compile(_openCl!, definition, kernel);
        Assert.That(compiled.Source, Is.Not.Empty);
        Assert.That(compiled.Name, Does.Contain(kernel.Name));
        Assert.That(compiled.Source, Does.Contain($"kernel void {compiled.Name}("));
    }

    [TestCase(nameof(KernelCatalogue.GemmTiled), typeof(float))]
    [TestCase(nameof(KernelCatalogue.GemmTiled), typeof(double))]
    [TestCase(nameof(KernelCatalogue.GemmTiled128), typeof(float))]
    [TestCase(nameof(KernelCatalogue.GemmTiled128), typeof(double))]
    public void TiledGemmKeepsItsRegisterBlockInRegistersAndStagesThroughSharedMemory(string definitionName, Type elementType)
    {
        // A GPU compiler keeps a local array in off-chip local memory; the 8 × 8 register block must not be one.
        var definition = (KernelDefinition)typeof(KernelCatalogue).GetField(definitionName)!.GetValue(null)!;
        var kernel = definition.Instantiate(elementType);
        string ptx = ((PTXCompiledKernel)Compile(_ptx!, definition, kernel)).PTXAssembly;
        Assert.That(ptx, Does.Not.Contain(".local"), "the tiled GEMM spills to local memory");
        Assert.That(ptx, Does.Contain(".shared"));
        Assert.That(ptx, Does.Contain("bar.sync"));
    }

    [Test]
    public void WideGemmReadsSharedAndGlobalMemoryInVectors()
    {
        // GemmKernels.Tiled128's inner loop reads 16-byte quads of shared memory, and its loads of aligned operands are
        // 16-byte vector loads: ILGPU emits them only where it can prove the alignment, so a change to the slab layout
        // or the quad indexing could silently fall back to scalar accesses.
        var kernel = KernelCatalogue.GemmTiled128.Instantiate(typeof(float));
        string ptx = ((PTXCompiledKernel)Compile(_ptx!, KernelCatalogue.GemmTiled128, kernel)).PTXAssembly;
        Assert.That(ptx, Does.Contain("ld.shared.v4.f32"));
        Assert.That(ptx, Does.Contain("st.shared.v4.f32"));
        Assert.That(ptx, Does.Match(@"ld(\.global)?\.v4\.f32"));
    }

    [Test]
    public void NoKernelUsesTheGpusApproximateTranscendentals()
    {
        // On a real H100 (sm_90), MathF.Tanh became tanh.approx.f32 (2·10⁻⁵ relative error) and Box–Muller's sin/cos
        // became sin/cos.approx.f32; float exp and ln became ex2/lg2.approx with scaling (ln near 1 then has a large
        // relative error). ScalarMath replaces them all.
        using var context = Context.Create(builder => IlgpuContextSettings.Apply(builder));
        using var ptx = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null);
        var offenders = new List<string>();
        foreach (var (definition, kernel) in KernelCatalogue.Instantiations())
        {
            var entry = definition.IsExplicitlyGrouped
                ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel)
                : EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
            string assembly = ((PTXCompiledKernel)ptx.Compile(entry, new KernelSpecialization())).PTXAssembly;
            foreach (string instruction in new[] { "tanh.approx", "sin.approx", "cos.approx", "ex2.approx", "lg2.approx" })
                if (assembly.Contains(instruction, StringComparison.Ordinal))
                    offenders.Add($"{definition.Name}<{string.Join(", ", kernel.GetGenericArguments().Select(type => type.Name))}>: {instruction}");
        }
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void CatalogueCoversEveryKernelMethodAndEveryOperator()
    {
        // Every public static method of a kernel class must be in the catalogue, or the tests above would miss it.
        var kernelClasses = KernelCatalogue.All.Select(definition => definition.Method.DeclaringType!).Distinct().ToArray();
        var declared = kernelClasses.SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(method => $"{method.DeclaringType!.Name}.{method.Name}").OrderBy(name => name).ToArray();
        var catalogued = KernelCatalogue.All.Select(definition => definition.Name).OrderBy(name => name).ToArray();
        Assert.That(catalogued, Is.EqualTo(declared));

        var unary = KernelCatalogue.Operators(typeof(IUnaryOperator));
        var binary = KernelCatalogue.Operators(typeof(IBinaryOperator));
        Assert.That(unary.Select(type => type.Name), Does.Contain("SigmoidOperator").And.Contain("ReluOperator").And.Contain("SoftplusOperator"));
        Assert.That(binary.Select(type => type.Name), Does.Contain("AddOperator").And.Contain("MultiplyOperator"));
        int expected = KernelCatalogue.All.Sum(definition =>
            2 * (definition.OperatorInterface is null ? 1 : KernelCatalogue.Operators(definition.OperatorInterface).Count));
        Assert.That(KernelCatalogue.Instantiations().Count(), Is.EqualTo(expected));
    }
}
