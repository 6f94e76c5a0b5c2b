using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using ILGPU.Backends.PTX;
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
/// <para>
/// ptxas comes from Debian's CUDA toolkit 11.8 (package nvidia-cuda-toolkit, component non-free): <c>bash
/// .ci/install-ptxas.sh</c> extracts the one binary into /opt/ptxas/bin. The tests look for $SCRATCHVAE_PTXAS, then ptxas
/// on PATH, then the extracted locations, and are skipped when none exists. ptxas 11.8 reads PTX ISA up to 7.8, so the
/// PTX is generated with ISA 7.8 (the first ISA with sm_90).
/// </para>
/// </summary>
[TestFixture]
public sealed class PtxAssemblerTests
{
    /// <summary>The environment variable naming the ptxas binary to use.</summary>
    public const string PtxasVariable = "SCRATCHVAE_PTXAS";

    private const string InstallHint =
        "ptxas (NVIDIA's PTX assembler) was not found: run `bash .ci/install-ptxas.sh` (extracts it from Debian's non-free "
        + "nvidia-cuda-toolkit into /opt/ptxas/bin), install a CUDA toolkit, or set " + PtxasVariable + " to a ptxas binary";

    /// <summary>The PTX ISA the assembler is given: the newest that ptxas 11.8 reads, and the first with sm_90.</summary>
    private static readonly CudaInstructionSet InstructionSet = CudaInstructionSet.ISA_78;

    private static readonly (string Name, CudaArchitecture Architecture)[] Targets =
        [("sm_80", CudaArchitecture.SM_80), ("sm_90", CudaArchitecture.SM_90)];

    private static readonly Lazy<string?> Ptxas = new(() => ExternalKernelCompilers.FindProgram(PtxasVariable, ["ptxas"],
    [
        "/opt/ptxas/bin/ptxas",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "scratchvae", "ptxas", "bin", "ptxas"),
        "/usr/local/cuda/bin/ptxas",
    ]));

    private readonly Dictionary<string, RecoveringKernelCompiler> _compilers = new();
    private readonly Dictionary<(string Kernel, string Target), PtxasReport> _reports = new();
    private string? _folder;

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

    [OneTimeSetUp]
    public void CreateCompilers()
    {
        foreach (var (name, architecture) in Targets)
            _compilers[name] = new RecoveringKernelCompiler(context =>
                new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, InstructionSet, null));
        _folder = ExternalKernelCompilers.CreateScratchFolder("ptxas");
    }

    [OneTimeTearDown]
    public void DisposeCompilers()
    {
        foreach (var compiler in _compilers.Values) compiler.Dispose();
        _compilers.Clear();
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [TestCaseSource(nameof(Cases))]
    public void Assembles(KernelDefinition definition, MethodInfo kernel, string target)
    {
        string ptxas = RequirePtxas();
        var report = Report(ptxas, definition, kernel, target);
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
        string ptxas = RequirePtxas();
        var rows = KernelCatalogue.Instantiations()
            .Select(pair => (pair.Definition, Reports: Targets.Select(target => Report(ptxas, pair.Definition, pair.Kernel, target.Name)).ToArray()))
            .ToArray();
        var table = new StringBuilder();
        table.AppendLine($"ptxas -v, PTX ISA {InstructionSet}, {Ptxas.Value}: {PtxasVersion(ptxas)}");
        table.AppendLine("Occupancy: the sm_90 figures against one H100 SM (65,536 registers allocated 256 per warp in 4 sub-partitions,");
        table.AppendLine("2,048 threads, 32 groups, 228 KiB shared memory with 1 KiB reserved per group). Threads per group: GemmKernels.Tiled");
        table.AppendLine($"is launched with {GemmKernels.ThreadsPerGroup} and Tiled128 with {GemmKernels.WideThreadsPerGroup} (KernelConfig); every other kernel is auto-grouped (LoadAutoGroupedKernel), which asks");
        table.AppendLine("the driver's cuOccupancyMaxPotentialBlockSize; that choice is computed here the same way (largest group of highest occupancy).");
        table.AppendLine();
        string header = string.Format(CultureInfo.InvariantCulture, "{0,-62} {1,7} {2,7} {3,6} {4,11} {5,7} {6,8} {7,9} {8,9} {9,-10}",
            "kernel", "regs80", "regs90", "stack", "spill st/ld", "smem", "threads", "groups/SM", "occupancy", "limited by");
        table.AppendLine(header);
        table.AppendLine(new string('-', header.Length));
        foreach (var (definition, reports) in rows)
        {
            var sm90 = reports[1];
            string kernelName = sm90.Kernel;
            if (reports.Any(report => report.ExitCode != 0 || report.Registers is null))
            {
                table.AppendLine($"{kernelName,-62} ptxas failed: {string.Join("; ", reports.Where(r => r.ExitCode != 0).Select(r => r.Target))}");
                continue;
            }
            int threads = definition.IsExplicitlyGrouped ? definition.ThreadsPerGroup : H100.MaxPotentialGroupSize(sm90.Registers!.Value, sm90.SharedBytes);
            var occupancy = H100.Estimate(sm90.Registers!.Value, sm90.SharedBytes, threads);
            string spills = string.Join(" ", reports.Select(report => $"{report.SpillStoreBytes}/{report.SpillLoadBytes}").Distinct());
            table.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-62} {1,7} {2,7} {3,6} {4,11} {5,7} {6,8} {7,9} {8,8:0}% {9,-10}",
                kernelName, reports[0].Registers, sm90.Registers, sm90.StackFrameBytes, spills, sm90.SharedBytes,
                definition.IsExplicitlyGrouped ? $"{threads}" : $"{threads}*", occupancy.GroupsPerSm, 100 * occupancy.Occupancy, occupancy.LimitedBy));
        }
        var assembled = rows.SelectMany(row => row.Reports).Where(report => report.ExitCode == 0 && report.Registers is not null).ToArray();
        table.AppendLine();
        table.AppendLine($"* auto-grouped. {rows.Length} kernels; assembled: {string.Join(", ", Targets.Select(t => $"{t.Name} {assembled.Count(r => r.Target == t.Name)}"))}; "
            + $"most registers {(assembled.Length == 0 ? 0 : assembled.Max(r => r.Registers!.Value))}; "
            + $"kernels that spill: {assembled.Where(r => r.SpillStoreBytes + r.SpillLoadBytes > 0).Select(r => $"{r.Kernel} {r.Target}").DefaultIfEmpty("none").Aggregate((x, y) => $"{x}, {y}")}.");

        TestContext.Out.Write(table.ToString());
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "ptxas-resources.txt");
        File.WriteAllText(file, table.ToString());
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
        string ptxas = RequirePtxas();
        foreach (var definition in new[] { KernelCatalogue.GemmTiled, KernelCatalogue.GemmTiled128 })
        {
            var report = Report(ptxas, definition, definition.Instantiate(typeof(float)), target);
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

    private string RequirePtxas()
    {
        string? ptxas = Ptxas.Value;
        if (ptxas is null) Assert.Ignore(InstallHint);
        return ptxas!;
    }

    private static string PtxasVersion(string ptxas)
    {
        var (_, output) = ExternalKernelCompilers.Run(ptxas, ["--version"], TimeSpan.FromSeconds(30));
        return output.Split('\n').LastOrDefault(line => line.Contains("release", StringComparison.Ordinal))?.Trim() ?? output;
    }

    private PtxasReport Report(string ptxas, KernelDefinition definition, MethodInfo kernel, string target)
    {
        string name = ExternalKernelCompilers.DisplayName(definition, kernel);
        if (_reports.TryGetValue((name, target), out var cached)) return cached;
        var compiled = (PTXCompiledKernel)_compilers[target].Compile(definition, kernel);
        string file = Path.Combine(_folder!, $"kernel-{_reports.Count}-{target}.ptx");
        File.WriteAllText(file, compiled.PTXAssembly);
        var (exitCode, output) = ExternalKernelCompilers.Run(ptxas, [$"-arch={target}", "-v", "-o", "/dev/null", file], TimeSpan.FromSeconds(120));
        var report = PtxasReport.Parse(name, target, exitCode, output, compiled.Name);
        _reports[(name, target)] = report;
        File.Delete(file);
        return report;
    }
}

/// <summary>What ptxas -v says about one kernel: its registers and shared memory, the entry's stack frame, and the spills of the entry and every function it calls.</summary>
internal sealed record PtxasReport(string Kernel, string Target, int ExitCode, string Output, int? Registers, long SharedBytes,
    long StackFrameBytes, long SpillStoreBytes, long SpillLoadBytes)
{
    private static readonly Regex Properties = new(@"Function properties for (\S+)", RegexOptions.CultureInvariant);
    private static readonly Regex Frame = new(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", RegexOptions.CultureInvariant);
    private static readonly Regex Used = new(@"Used (\d+) registers(?:, (\d+) bytes smem)?", RegexOptions.CultureInvariant);
    private static readonly Regex Smem = new(@"(\d+) bytes smem", RegexOptions.CultureInvariant);

    public static PtxasReport Parse(string kernel, string target, int exitCode, string output, string entryName)
    {
        int? registers = null;
        long shared = 0, stackFrame = 0, spillStores = 0, spillLoads = 0;
        string? function = null;
        foreach (string line in output.Split('\n'))
        {
            var properties = Properties.Match(line);
            if (properties.Success) { function = properties.Groups[1].Value.Trim('\''); continue; }
            var frame = Frame.Match(line);
            if (frame.Success)
            {
                if (function == entryName) stackFrame = long.Parse(frame.Groups[1].Value, CultureInfo.InvariantCulture);
                spillStores += long.Parse(frame.Groups[2].Value, CultureInfo.InvariantCulture);
                spillLoads += long.Parse(frame.Groups[3].Value, CultureInfo.InvariantCulture);
                continue;
            }
            var used = Used.Match(line);
            if (used.Success)
            {
                registers = Math.Max(registers ?? 0, int.Parse(used.Groups[1].Value, CultureInfo.InvariantCulture));
                var smem = Smem.Match(line);
                if (smem.Success) shared = Math.Max(shared, long.Parse(smem.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
        return new PtxasReport(kernel, target, exitCode, output, registers, shared, stackFrame, spillStores, spillLoads);
    }
}

/// <summary>
/// Occupancy on one H100 SM (compute capability 9.0), computed as CUDA's occupancy calculator (cuda_occupancy.h) does:
/// groups per SM are the least of the group limit, the warp limit, the register limit (registers allocated per warp in
/// units of 256, in 4 sub-partitions of 16,384) and the shared-memory limit (228 KiB, 1 KiB reserved per group, 128-byte units).
/// </summary>
internal static class H100
{
    private const int WarpSize = 32, MaxThreadsPerGroup = 1024, MaxWarpsPerSm = 2048 / WarpSize, MaxGroupsPerSm = 32;
    private const int RegistersPerSm = 65536, RegistersPerGroup = 65536, RegisterUnit = 256, SubPartitions = 4;
    private const long SharedPerSm = 228 * 1024, SharedReservedPerGroup = 1024, SharedUnit = 128;

    public static (int GroupsPerSm, double Occupancy, string LimitedBy) Estimate(int registers, long sharedBytes, int threadsPerGroup)
    {
        int warpsPerGroup = (threadsPerGroup + WarpSize - 1) / WarpSize;
        var limits = new List<(int Groups, string Name)> { (MaxGroupsPerSm, "groups"), (MaxWarpsPerSm / warpsPerGroup, "threads") };
        int registersPerWarp = RoundUp(registers * WarpSize, RegisterUnit);
        if (registersPerWarp > 0)
        {
            int groups = registersPerWarp * warpsPerGroup > RegistersPerGroup ? 0
                : RegistersPerSm / SubPartitions / registersPerWarp * SubPartitions / warpsPerGroup;
            limits.Add((groups, "registers"));
        }
        long sharedPerGroup = RoundUp(sharedBytes + SharedReservedPerGroup, SharedUnit);
        limits.Add(((int)(SharedPerSm / sharedPerGroup), "shared"));
        var limit = limits.OrderBy(entry => entry.Groups).First();
        return (limit.Groups, (double)limit.Groups * warpsPerGroup / MaxWarpsPerSm, limit.Name);
    }

    /// <summary>cuOccupancyMaxPotentialBlockSize: the largest group (a multiple of 32) that reaches the highest occupancy in threads.</summary>
    public static int MaxPotentialGroupSize(int registers, long sharedBytes)
    {
        int registersPerWarp = RoundUp(registers * WarpSize, RegisterUnit);
        int limit = registersPerWarp == 0 ? MaxThreadsPerGroup : Math.Min(MaxThreadsPerGroup, RegistersPerGroup / registersPerWarp * WarpSize);
        int best = 0, bestThreads = -1;
        for (int size = limit; size > 0; size -= WarpSize)
        {
            int threads = Estimate(registers, sharedBytes, size).GroupsPerSm * size;
            if (threads > bestThreads) { best = size; bestThreads = threads; }
            if (threads == MaxWarpsPerSm * WarpSize) break;
        }
        return best;
    }

    private static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
    private static long RoundUp(long value, long unit) => (value + unit - 1) / unit * unit;
}
