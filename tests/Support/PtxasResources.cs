using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using ScratchVae.Kernels.Ilgpu;

namespace ScratchVae.Tests.Support;

/// <summary>
/// Every kernel of <see cref="KernelCatalogue.Instantiations"/> as ILGPU writes its PTX, handed to NVIDIA's PTX
/// assembler (ptxas -v) for sm_80 (A100) and sm_90 (H100) with no GPU present: whether it assembles, its registers,
/// spills and shared memory, and from those an occupancy estimate against one H100 SM. Shared by the tests
/// (PtxAssemblerTests) and by <c>bench report</c>, which prints the same table; compiled into both.
/// <para>
/// ptxas comes from Debian's CUDA toolkit 11.8 (package nvidia-cuda-toolkit, component non-free): <c>bash
/// .ci/install-ptxas.sh</c> extracts the one binary into /opt/ptxas/bin. <see cref="FindPtxas"/> looks for
/// $SCRATCHVAE_PTXAS, then ptxas on PATH, then the extracted locations. ptxas 11.8 reads PTX ISA up to 7.8, so the PTX
/// is generated with ISA 7.8 (the first ISA with sm_90).
/// </para>
/// </summary>
public sealed class PtxasResources : IDisposable
{
    /// <summary>The environment variable naming the ptxas binary to use.</summary>
    public const string PtxasVariable = "SCRATCHVAE_PTXAS";

    /// <summary>What to do where ptxas is missing.</summary>
    public const string InstallHint =
        "ptxas (NVIDIA's PTX assembler) was not found: run `bash .ci/install-ptxas.sh` (extracts it from Debian's non-free "
        + "nvidia-cuda-toolkit into /opt/ptxas/bin), install a CUDA toolkit, or set " + PtxasVariable + " to a ptxas binary";

    /// <summary>The PTX ISA the assembler is given: the newest that ptxas 11.8 reads, and the first with sm_90.</summary>
    public static readonly CudaInstructionSet InstructionSet = CudaInstructionSet.ISA_78;

    /// <summary>The two targets: the A100's and the H100's compute capability.</summary>
    public static readonly (string Name, CudaArchitecture Architecture)[] Targets =
        [("sm_80", CudaArchitecture.SM_80), ("sm_90", CudaArchitecture.SM_90)];

    private readonly Dictionary<string, RecoveringKernelCompiler> _compilers = new();
    private readonly Dictionary<(string Kernel, string Target), PtxasReport> _reports = new();
    private readonly string _folder = ExternalKernelCompilers.CreateScratchFolder("ptxas");

    /// <summary>An assembler session with <paramref name="ptxas"/> (its reports are remembered per kernel and target).</summary>
    public PtxasResources(string ptxas)
    {
        Ptxas = ptxas;
        foreach (var (name, architecture) in Targets)
            _compilers[name] = new RecoveringKernelCompiler(context =>
                new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, InstructionSet, null));
    }

    /// <summary>The ptxas binary.</summary>
    public string Ptxas { get; }

    /// <summary>The ptxas binary to use, or null when there is none (see the class remarks).</summary>
    public static string? FindPtxas() => ExternalKernelCompilers.FindProgram(PtxasVariable, ["ptxas"],
    [
        "/opt/ptxas/bin/ptxas",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "scratchvae", "ptxas", "bin", "ptxas"),
        "/usr/local/cuda/bin/ptxas",
    ]);

    /// <summary>ptxas's own version line ("Cuda compilation tools, release 11.8, V11.8.89").</summary>
    public string Version()
    {
        var (_, output) = ExternalKernelCompilers.Run(Ptxas, ["--version"], TimeSpan.FromSeconds(30));
        return output.Split('\n').LastOrDefault(line => line.Contains("release", StringComparison.Ordinal))?.Trim() ?? output;
    }

    /// <summary>ptxas -v's report for one kernel on one target (assembled once, then remembered).</summary>
    public PtxasReport Report(KernelDefinition definition, MethodInfo kernel, string target)
    {
        string name = ExternalKernelCompilers.DisplayName(definition, kernel);
        if (_reports.TryGetValue((name, target), out var cached)) return cached;
        var compiled = (PTXCompiledKernel)_compilers[target].Compile(definition, kernel);
        string file = Path.Combine(_folder, $"kernel-{_reports.Count}-{target}.ptx");
        File.WriteAllText(file, compiled.PTXAssembly);
        var (exitCode, output) = ExternalKernelCompilers.Run(Ptxas, [$"-arch={target}", "-v", "-o", "/dev/null", file], TimeSpan.FromSeconds(120));
        var report = PtxasReport.Parse(name, target, exitCode, output, compiled.Name);
        _reports[(name, target)] = report;
        File.Delete(file);
        return report;
    }

    /// <summary>Every catalogue kernel's reports, in <see cref="Targets"/>' order.</summary>
    public (KernelDefinition Definition, PtxasReport[] Reports)[] All()
        => KernelCatalogue.Instantiations()
            .Select(pair => (pair.Definition, Targets.Select(target => Report(pair.Definition, pair.Kernel, target.Name)).ToArray()))
            .ToArray();

    /// <summary>
    /// The table of every kernel: registers on both targets, the sm_90 stack frame, spills, shared memory, threads per
    /// group, and groups per SM and occupancy on an H100, with a header that says how the figures were made and a
    /// summary line (kernels assembled per target, most registers, the kernels that spill).
    /// </summary>
    public string Table((KernelDefinition Definition, PtxasReport[] Reports)[] rows)
    {
        var table = new StringBuilder();
        table.AppendLine($"ptxas -v, PTX ISA {InstructionSet}, {Ptxas}: {Version()}");
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
            if (reports.Any(report => report.ExitCode != 0 || report.Registers is null))
            {
                table.AppendLine($"{sm90.Kernel,-62} ptxas failed: {string.Join("; ", reports.Where(r => r.ExitCode != 0).Select(r => r.Target))}");
                continue;
            }
            int threads = definition.IsExplicitlyGrouped ? definition.ThreadsPerGroup : H100.MaxPotentialGroupSize(sm90.Registers!.Value, sm90.SharedBytes);
            var occupancy = H100.Estimate(sm90.Registers!.Value, sm90.SharedBytes, threads);
            string spills = string.Join(" ", reports.Select(report => $"{report.SpillStoreBytes}/{report.SpillLoadBytes}").Distinct());
            table.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-62} {1,7} {2,7} {3,6} {4,11} {5,7} {6,8} {7,9} {8,8:0}% {9,-10}",
                sm90.Kernel, reports[0].Registers, sm90.Registers, sm90.StackFrameBytes, spills, sm90.SharedBytes,
                definition.IsExplicitlyGrouped ? $"{threads}" : $"{threads}*", occupancy.GroupsPerSm, 100 * occupancy.Occupancy, occupancy.LimitedBy));
        }
        var assembled = Assembled(rows);
        table.AppendLine();
        table.AppendLine($"* auto-grouped. {rows.Length} kernels; assembled: {string.Join(", ", Targets.Select(t => $"{t.Name} {assembled.Count(r => r.Target == t.Name)}"))}; "
            + $"most registers {(assembled.Length == 0 ? 0 : assembled.Max(r => r.Registers!.Value))}; "
            + $"kernels that spill: {assembled.Where(r => r.SpillStoreBytes + r.SpillLoadBytes > 0).Select(r => $"{r.Kernel} {r.Target}").DefaultIfEmpty("none").Aggregate((x, y) => $"{x}, {y}")}.");
        return table.ToString();
    }

    /// <summary>The reports of the rows that assembled and gave a register count.</summary>
    public static PtxasReport[] Assembled((KernelDefinition Definition, PtxasReport[] Reports)[] rows)
        => rows.SelectMany(row => row.Reports).Where(report => report.ExitCode == 0 && report.Registers is not null).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var compiler in _compilers.Values) compiler.Dispose();
        _compilers.Clear();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>What ptxas -v says about one kernel: its registers and shared memory, the entry's stack frame, and the spills of the entry and every function it calls.</summary>
public sealed record PtxasReport(string Kernel, string Target, int ExitCode, string Output, int? Registers, long SharedBytes,
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
public static class H100
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
