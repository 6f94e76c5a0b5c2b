using System.Runtime.Intrinsics.X86;
using NUnit.Framework;
using ScratchVae.Kernels.Host;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The machine properties the planner weighs: CPUID's cache words decoded by hand, CPUID against Linux's own reading
/// of the caches, the /sys reader on a made-up directory, and the 512-bit FMA probe.
/// </summary>
public sealed class MachinePropertiesTests
{
    // One subleaf of CPUID leaf 4 / 0x8000001D: type, level and sharing in eax; line, partitions, ways in ebx; sets in ecx.
    private static (int, int, int, int, int) Words(int level, int type, int ways, int sets, int sharedBy, int line = 64)
        => (level, type, type | (level << 5) | ((sharedBy - 1) << 14), (line - 1) | ((ways - 1) << 22), sets - 1);

    [Test]
    public void CpuIdCacheWordsDecode()
    {
        var caches = MachineProperties.FromCpuIdLevels([
            Words(1, 1, 8, 64, 2), Words(1, 2, 8, 64, 2), Words(2, 3, 8, 2048, 2), Words(3, 3, 16, 32768, 16)]);
        Assert.That(caches, Is.Not.Null);
        var (l1, l2, l3) = caches!.Value;
        Assert.That(l1, Is.EqualTo(new CacheLevel(32 << 10, 8, 64, 2)), "the data cache, not the instruction cache");
        Assert.That(l2, Is.EqualTo(new CacheLevel(1 << 20, 8, 2048, 2)));
        Assert.That(l3, Is.EqualTo(new CacheLevel(32 << 20, 16, 32768, 16)));
        Assert.That(l3.BytesPerProcessor, Is.EqualTo(2 << 20));
        Assert.That(MachineProperties.FromCpuIdLevels([Words(1, 1, 8, 64, 1)]), Is.Null, "no L2: not a usable answer");
    }

    [Test]
    public void CpuIdAgreesWithLinux()
    {
        const string linux = "/sys/devices/system/cpu/cpu0/cache";
        var fromLinux = MachineProperties.CachesFromSysfs(linux);
        var fromCpuId = MachineProperties.CachesFromCpuId();
        if (fromLinux is null) Assert.Ignore($"{linux} is not readable here");
        if (fromCpuId is null) Assert.Ignore("CPUID lists no caches here (not x86, or a hypervisor that hides leaf 4 and 0x8000001D)");
        var (cpuL1, cpuL2, cpuL3) = fromCpuId!.Value;
        var (linuxL1, linuxL2, linuxL3) = fromLinux!.Value;
        Assert.That((cpuL1.Bytes, cpuL1.Ways, cpuL1.Sets), Is.EqualTo((linuxL1.Bytes, linuxL1.Ways, linuxL1.Sets)), "L1d");
        Assert.That((cpuL2.Bytes, cpuL2.Ways, cpuL2.Sets), Is.EqualTo((linuxL2.Bytes, linuxL2.Ways, linuxL2.Sets)), "L2");
        Assert.That(cpuL3.Bytes, Is.EqualTo(linuxL3.Bytes), "L3");
        Assert.That(MachineProperties.Current.L2.Bytes, Is.EqualTo(cpuL2.Bytes));
    }

    [Test]
    public void TheSysfsReaderParsesSizesAndSharing()
    {
        string root = Path.Combine(Path.GetTempPath(), "scratchvae-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            void Index(int i, int level, string type, string size, int ways, int sets, string shared)
            {
                string folder = Directory.CreateDirectory(Path.Combine(root, $"index{i}")).FullName;
                File.WriteAllText(Path.Combine(folder, "level"), $"{level}\n");
                File.WriteAllText(Path.Combine(folder, "type"), $"{type}\n");
                File.WriteAllText(Path.Combine(folder, "size"), $"{size}\n");
                File.WriteAllText(Path.Combine(folder, "ways_of_associativity"), $"{ways}\n");
                File.WriteAllText(Path.Combine(folder, "number_of_sets"), $"{sets}\n");
                File.WriteAllText(Path.Combine(folder, "shared_cpu_list"), $"{shared}\n");
            }
            Index(0, 1, "Data", "48K", 12, 64, "0,64");
            Index(1, 1, "Instruction", "32K", 8, 64, "0,64");
            Index(2, 2, "Unified", "2048K", 16, 2048, "0,64");
            Index(3, 3, "Unified", "320M", 16, 327680, "0-63,64-127");
            var (l1, l2, l3) = MachineProperties.CachesFromSysfs(root)!.Value;
            Assert.That(l1, Is.EqualTo(new CacheLevel(48 << 10, 12, 64, 2)));
            Assert.That(l2, Is.EqualTo(new CacheLevel(2 << 20, 16, 2048, 2)));
            Assert.That(l3, Is.EqualTo(new CacheLevel(320L << 20, 16, 327680, 128)));
            File.WriteAllText(Path.Combine(root, "index2", "size"), "lots\n");
            Assert.That(MachineProperties.CachesFromSysfs(root), Is.Null, "an unreadable size is no answer, not an exception");
            Assert.That(MachineProperties.CachesFromSysfs(Path.Combine(root, "absent")), Is.Null);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void TheFmaProbeIsStableAndKnowsZen4()
    {
        if (!Avx512F.IsSupported) Assert.Ignore("no AVX-512 here: there is no 512-bit FMA to probe");
        int[] answers = Enumerable.Range(0, 5).Select(_ => MachineProperties.ProbeFma512Pipes()).ToArray();
        Assert.That(answers.Distinct(), Has.Exactly(1).Items, string.Join(", ", answers));
        Assert.That(MachineProperties.Current.Fma512Pipes, Is.EqualTo(answers[0]));
        // AMD documents Zen 4 (family 0x19 with AVX-512) as executing each 512-bit FMA as two 256-bit halves.
        (int eax, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        bool amd = ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163; // "AuthenticAMD"
        int signature = X86Base.CpuId(1, 0).Eax;
        int family = ((signature >> 8) & 0xF) + ((signature >> 20) & 0xFF);
        if (amd && family == 0x19) Assert.That(answers[0], Is.EqualTo(1), "Zen 4 splits 512-bit FMAs");
    }

    [Test]
    public void TheDescriptionNamesEveryProperty()
        => Assert.That(KnownMachines.Xeon.ToString(),
            Is.EqualTo("512-bit vectors, 2 512-bit FMA pipes, L1d 48 KiB 12-way, L2 2 MiB 16-way, L3 320 MiB 16-way, shared by 128"));
}
