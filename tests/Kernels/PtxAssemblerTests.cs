using System.Reflection;
using ILGPU.Runtime.Cuda;
using ScratchVae.Kernels.Ilgpu;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Hands the PTX that ILGPU generates for every kernel of <see cref="KernelCatalogue.Instantiations"/> to NVIDIA's PTX
/// assembler, ptxas, for sm_80 (A100) and sm_90 (H100), with no GPU present: a kernel ptxas rejects would fail at load
/// time on a real device ("a PTX JIT compilation failed"). ptxas -v also reports each kernel's registers, local-memory
/// spills and shared memory, from which <see cref="ResourceTable_RegistersSpillsSharedMemoryAndH100Occupancy"/> prints an
/// occupancy estimate per kernel against the H100's limits.
/// The assembling, the parsing and the occupancy estimate are <see cref="PtxasResources"/>'s, which <c>bench report</c>
/// shares; the tests are skipped with the install hint where ptxas is absent.
/// </summary>
[TestFixture]
public sealed class PtxAssemblerTests
{
    private static readonly (string Name, CudaArchitecture Architecture)[] Targets = PtxasResources.Targets;

    private static readonly Lazy<string?> Ptxas = new(PtxasResources.FindPtxas);

    private PtxasResources? _resources;

    /// <summary>Every concrete kernel × {sm_80, sm_90}.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        from pair in KernelCatalogue.Instantiations()
        from target in Targets
        select new TestCaseData(pair.Definition, pair.Kernel, target.Name)
            .SetArgDisplayNames(ExternalKernelCompilers.DisplayName(pair.Definition, pair.Kernel), target.Name);

    /// <summary>
    /// Kernels that must not spill: the catalogue's GEMM kernels (every <see cref="GemmKernels"/> method: PerElement,
    /// Tiled, SumSplits) and its map kernels (every <see cref="ElementwiseKernels"/> method: Map, MapBackward, Zip,
    /// Axpby, BiasActivation, which map each element independently). They carry nearly all of a training step's GPU
    /// time, and a spill turns register traffic into local-memory traffic. Spills elsewhere are reported in the table
    /// but do not fail.
    /// </summary>
    public static bool MustNotSpill(KernelDefinition definition) =>
        definition.Method.DeclaringType == typeof(GemmKernels) || definition.Method.DeclaringType == typeof(ElementwiseKernels);

    [OneTimeTearDown]
    public void DisposeCompilers() => _resources?.Dispose();

    [TestCaseSource(nameof(Cases))]
    public void Assembles(KernelDefinition definition, MethodInfo kernel, string target)
    {
        var report = RequireResources().Report(definition, kernel, target);
        Assert.That(report.ExitCode, Is.Zero, $"ptxas -arch={target} rejected the PTX of {report.Kernel}:\n{report.Output}");
        Assert.That(report.Registers, Is.Not.Null, $"no register count in ptxas -v's output:\n{report.Output}");
        TestContext.Out.WriteLine($"{report.Kernel} {target}: {report.Registers} registers, {report.StackFrameBytes} bytes stack frame, "
            + $"{report.SpillStoreBytes} bytes spill stores, {report.SpillLoadBytes} bytes spill loads, {report.SharedBytes} bytes shared memory");
        if (MustNotSpill(definition))
            Assert.That(report.SpillStoreBytes + report.SpillLoadBytes, Is.Zero,
                $"{report.Kernel} spills to local memory on {target} (a GEMM or map kernel must not):\n{report.Output}");
    }

    [Test]
    public void ResourceTable_RegistersSpillsSharedMemoryAndH100Occupancy()
    {
        var resources = RequireResources();
        var rows = resources.All();
        string table = resources.Table(rows);
        var assembled = PtxasResources.Assembled(rows);

        TestContext.Out.Write(table);
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "ptxas-resources.txt");
        File.WriteAllText(file, table);
        TestContext.AddTestAttachment(file, "ptxas -v registers, spills, shared memory and H100 occupancy per kernel");
        TestContext.Out.WriteLine($"written to {file}");
        Assert.That(assembled.Length, Is.EqualTo(rows.Length * Targets.Length), "some kernels did not assemble (see Assembles)");
    }

    /// <summary>
    /// The tiled GEMM kernels in float (what training runs) fit at least two groups per SM on both targets, so that one
    /// group's barrier wait or global-load latency is covered by another's arithmetic, and the k-split's target of two
    /// groups per SM (<see cref="IlgpuBackend.GemmTargetGroups"/>) is one wave. sm_80's limits (65,536 registers,
    /// 2,048 threads, 32 groups per SM; 164 KiB shared, less per group) are no looser than the H100's except in shared
    /// memory, which these kernels use little of, so the H100 estimate is applied to both targets' register counts.
    /// In double, the 128 × 128 kernel's 8 × 8 accumulators alone take 128 registers a thread: one group per SM there,
    /// which float64 checking runs can afford.
    /// </summary>
    [TestCase("sm_80")]
    [TestCase("sm_90")]
    public void TiledGemmKernelsFitTwoGroupsPerMultiprocessorInFloat(string target)
    {
        var resources = RequireResources();
        foreach (var definition in new[] { KernelCatalogue.GemmTiled, KernelCatalogue.GemmTiled128 })
        {
            var report = resources.Report(definition, definition.Instantiate(typeof(float)), target);
            Assert.That(report.ExitCode, Is.Zero, report.Output);
            var occupancy = H100.Estimate(report.Registers!.Value, report.SharedBytes, definition.ThreadsPerGroup);
            TestContext.Out.WriteLine($"{report.Kernel} {target}: {report.Registers} registers, {report.SharedBytes} bytes shared, "
                + $"{definition.ThreadsPerGroup} threads: {occupancy.GroupsPerSm} groups per SM (limited by {occupancy.LimitedBy})");
            Assert.That(occupancy.GroupsPerSm, Is.GreaterThanOrEqualTo(2), $"{report.Kernel} on {target}: {report.Registers} registers, {report.SharedBytes} bytes shared");
            Assert.That(report.SpillStoreBytes + report.SpillLoadBytes, Is.Zero, report.Output);
        }
    }

    [Test]
    public void ParsesPtxasVerboseOutput()
    {
        // ptxas 11.8's -v report for an entry that calls one non-inlined function.
        const string output = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Compiling entry function 'kernel_a' for 'sm_90'
            ptxas info    : Function properties for helper
                8 bytes stack frame, 4 bytes spill stores, 12 bytes spill loads
            ptxas info    : Function properties for kernel_a
                16 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
            ptxas info    : Used 40 registers, 16384 bytes smem, 408 bytes cmem[0]
            """;
        var report = PtxasReport.Parse("k", "sm_90", 0, output, "kernel_a");
        Assert.That(report.Registers, Is.EqualTo(40));
        Assert.That(report.SharedBytes, Is.EqualTo(16384));
        Assert.That(report.StackFrameBytes, Is.EqualTo(16));
        Assert.That(report.SpillStoreBytes, Is.EqualTo(4));
        Assert.That(report.SpillLoadBytes, Is.EqualTo(12));
    }

    [Test]
    public void OccupancyEstimateMatchesCudasCalculator()
    {
        // Figures from CUDA's occupancy calculator (cuda_occupancy.h) for compute capability 9.0.
        Assert.That(H100.Estimate(32, 0, 256).Occupancy, Is.EqualTo(1.0));
        Assert.That(H100.Estimate(64, 0, 256).Occupancy, Is.EqualTo(0.5));   // 64 · 32 = 2,048 registers a warp: 32 warps
        Assert.That(H100.Estimate(72, 0, 128).GroupsPerSm, Is.EqualTo(7));   // 2,304 a warp: 7 warps per sub-partition, 28 warps, 7 groups of 4
        Assert.That(H100.Estimate(16, 0, 32).GroupsPerSm, Is.EqualTo(32));   // the group limit
        Assert.That(H100.Estimate(32, 16384, 64).GroupsPerSm, Is.EqualTo(13)); // 233,472 / (16,384 + 1,024)
        Assert.That(H100.MaxPotentialGroupSize(32, 0), Is.EqualTo(1024));
        Assert.That(H100.MaxPotentialGroupSize(128, 0), Is.EqualTo(512));
    }

    // The shared assembler session, or the test is skipped with the install hint where ptxas is absent.
    private PtxasResources RequireResources()
    {
        string? ptxas = Ptxas.Value;
        if (ptxas is null) Assert.Ignore(PtxasResources.InstallHint);
        return _resources ??= new PtxasResources(ptxas!);
    }
}
