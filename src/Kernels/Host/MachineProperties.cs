using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchVae.Kernels.Host;

/// <summary>One level of data cache: its size, associativity and how many logical processors share it.</summary>
/// <param name="Bytes">Capacity in bytes.</param>
/// <param name="Ways">Lines per set.</param>
/// <param name="Sets">Sets (Bytes = Ways · Sets · 64 for 64-byte lines).</param>
/// <param name="SharedBy">Logical processors that share this cache (1 for a private one).</param>
internal readonly record struct CacheLevel(long Bytes, int Ways, int Sets, int SharedBy)
{
    /// <summary>This processor's share of the cache: <see cref="Bytes"/> / <see cref="SharedBy"/>.</summary>
    public long BytesPerProcessor => Bytes / Math.Max(1, SharedBy);

    /// <inheritdoc />
    public override string ToString() => $"{Format(Bytes)} {Ways}-way" + (SharedBy > 1 ? $", shared by {SharedBy}" : "");

    internal static string Format(long bytes) => bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
}

/// <summary>
/// The properties of this processor that the host GEMM's planner weighs (<see cref="Gemm.GemmCostModel.For"/>): the
/// widest accelerated vector, how many 512-bit FMAs a core retires per cycle, and the data caches. Each is read from
/// the processor or measured, never assumed from its vendor or model name:
/// <list type="bullet">
/// <item>the vector width from the runtime (<see cref="Vector512.IsHardwareAccelerated"/>);</item>
/// <item>the caches from CPUID's deterministic cache parameters (leaf 4, or 0x8000001D where leaf 4 is empty, as
/// on AMD), with Linux's /sys/devices/system/cpu/cpu0/cache as the fallback;</item>
/// <item>the 512-bit FMA pipes by a probe of a fraction of a millisecond: independent 512-bit FMAs against
/// independent 256-bit ones on one thread. Two 256-bit pipes are a given on every AVX2 core; a core with two
/// full-width 512-bit pipes (most AVX-512 Xeons) retires twice the lanes per cycle with 512-bit vectors, a core that
/// splits each 512-bit FMA into two halves (AMD Zen 4) the same lanes as with 256-bit ones.</item>
/// </list>
/// The planner's choice changes speed, never bits (every plan sums in the same order), so a probe disturbed by a
/// neighbour can cost time but not change a result.
/// </summary>
/// <param name="VectorBits">The widest vector the runtime accelerates: 512, 256 or 128.</param>
/// <param name="Fma512Pipes">512-bit FMAs a core retires per cycle: 2 (two full-width pipes), 1 (split), 0 without AVX-512.</param>
/// <param name="L1Data">The level-1 data cache.</param>
/// <param name="L2">The level-2 cache.</param>
/// <param name="L3">The level-3 cache (Bytes = 0 where there is none).</param>
internal sealed record MachineProperties(int VectorBits, int Fma512Pipes, CacheLevel L1Data, CacheLevel L2, CacheLevel L3)
{
    /// <summary>The caches assumed where neither CPUID nor /sys says: a 32 KiB 8-way L1, 512 KiB L2, 32 MiB L3 (Zen 3's).</summary>
    internal static readonly (CacheLevel L1Data, CacheLevel L2, CacheLevel L3) AssumedCaches =
        (new(32 << 10, 8, 64, 1), new(512 << 10, 8, 1024, 1), new(32 << 20, 16, 32768, 8));

    private static readonly Lazy<MachineProperties> current = new(Detect);

    /// <summary>This machine's properties, detected at the first use (the probe runs once per process).</summary>
    public static MachineProperties Current => current.Value;

    /// <summary>
    /// FMAs of <paramref name="vectorBits"/>-bit vectors (or scalars, at the element's width) a core retires per cycle.
    /// Without AVX-512 a 512-bit vector runs as two 256-bit halves on the two 256-bit pipes: one a cycle.
    /// </summary>
    public int FmaPipes(int vectorBits) => vectorBits >= 512 ? Math.Max(1, Fma512Pipes) : 2;

    /// <inheritdoc />
    public override string ToString()
        => $"{VectorBits}-bit vectors, {(Fma512Pipes == 0 ? "no 512-bit FMA" : $"{Fma512Pipes} 512-bit FMA pipe{(Fma512Pipes == 1 ? " (split)" : "s")}")}, "
           + $"L1d {L1Data}, L2 {L2}, L3 {(L3.Bytes == 0 ? "none" : L3.ToString())}";

    private static MachineProperties Detect()
    {
        int vectorBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        var caches = CachesFromCpuId() ?? CachesFromSysfs("/sys/devices/system/cpu/cpu0/cache") ?? AssumedCaches;
        int pipes = vectorBits == 512 && Avx512F.IsSupported ? ProbeFma512Pipes() : 0;
        return new MachineProperties(vectorBits, pipes, caches.L1Data, caches.L2, caches.L3);
    }

    /// <summary>
    /// The data and unified caches from CPUID's deterministic cache parameters: leaf 4 (Intel), else 0x8000001D (AMD's
    /// copy of the same layout). Null where neither lists an L1 data and an L2 cache.
    /// </summary>
    internal static (CacheLevel L1Data, CacheLevel L2, CacheLevel L3)? CachesFromCpuId()
    {
        if (!X86Base.IsSupported) return null;
        int maxLeaf = X86Base.CpuId(0, 0).Eax;
        int maxExtended = X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        foreach (int leaf in new[] { 4, unchecked((int)0x8000001D) })
        {
            if (leaf > 0 ? leaf > maxLeaf : (uint)leaf > (uint)maxExtended) continue;
            var levels = new List<(int Level, int Type, int Eax, int Ebx, int Ecx)>();
            for (int index = 0; index < 16; index++)
            {
                var (eax, ebx, ecx, _) = X86Base.CpuId(leaf, index);
                int type = eax & 0x1F;
                if (type == 0) break;
                levels.Add(((eax >> 5) & 0x7, type, eax, ebx, ecx));
            }
            var parsed = FromCpuIdLevels(levels);
            if (parsed is not null) return parsed;
        }
        return null;
    }

    /// <summary>
    /// Reads the caches out of CPUID's cache-parameter words (level, type, eax, ebx, ecx of each subleaf): size =
    /// ways · partitions · line size · sets, sharing from eax[25:14] + 1.
    /// </summary>
    internal static (CacheLevel L1Data, CacheLevel L2, CacheLevel L3)? FromCpuIdLevels(IEnumerable<(int Level, int Type, int Eax, int Ebx, int Ecx)> levels)
    {
        CacheLevel? l1 = null, l2 = null, l3 = null;
        foreach (var (level, type, eax, ebx, ecx) in levels)
        {
            if (type is not (1 or 3)) continue; // data or unified; instruction caches do not hold operands
            int line = (ebx & 0xFFF) + 1, partitions = ((ebx >> 12) & 0x3FF) + 1, ways = ((ebx >> 22) & 0x3FF) + 1;
            int sets = ecx + 1, sharedBy = ((eax >> 14) & 0xFFF) + 1;
            var cache = new CacheLevel((long)ways * partitions * line * sets, ways, sets, sharedBy);
            if (level == 1) l1 = cache;
            else if (level == 2) l2 = cache;
            else if (level == 3) l3 = cache;
        }
        if (l1 is null || l2 is null || l1.Value.Bytes == 0 || l2.Value.Bytes == 0) return null;
        return (l1.Value, l2.Value, l3 ?? default);
    }

    /// <summary>The caches from Linux's cache directory (index*/level, type, size, ways_of_associativity, number_of_sets, shared_cpu_list).</summary>
    internal static (CacheLevel L1Data, CacheLevel L2, CacheLevel L3)? CachesFromSysfs(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        CacheLevel? l1 = null, l2 = null, l3 = null;
        try
        {
            foreach (string index in Directory.GetDirectories(directory, "index*"))
            {
                string Read(string name) => File.ReadAllText(Path.Combine(index, name)).Trim();
                string type = Read("type");
                if (type is not ("Data" or "Unified")) continue;
                string size = Read("size");
                long bytes = size.EndsWith('K') ? long.Parse(size[..^1]) << 10 : size.EndsWith('M') ? long.Parse(size[..^1]) << 20 : long.Parse(size);
                var cache = new CacheLevel(bytes, int.Parse(Read("ways_of_associativity")), int.Parse(Read("number_of_sets")),
                    CountCpus(Read("shared_cpu_list")));
                switch (int.Parse(Read("level")))
                {
                    case 1: l1 = cache; break;
                    case 2: l2 = cache; break;
                    case 3: l3 = cache; break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
        if (l1 is null || l2 is null) return null;
        return (l1.Value, l2.Value, l3 ?? default);
    }

    // "0-3,8-11" → 8.
    private static int CountCpus(string list)
    {
        int count = 0;
        foreach (string range in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = range.Split('-');
            count += ends.Length == 2 ? int.Parse(ends[1]) - int.Parse(ends[0]) + 1 : 1;
        }
        return Math.Max(1, count);
    }

    /// <summary>
    /// 2 where 512-bit FMAs retire more than 1.5 times the lanes per second of 256-bit ones, else 1. Each side runs
    /// 12 independent accumulator chains (more than latency × pipes on any core) for a fixed count, five times
    /// alternating; the fastest of each is compared, so a time slice lost to another process does not count.
    /// </summary>
    internal static int ProbeFma512Pipes()
    {
        const int iterations = 20_000;
        FmaChains.Run256(100);
        FmaChains.Run512(100);
        double best256 = double.MaxValue, best512 = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long start = Stopwatch.GetTimestamp();
            FmaChains.Run256(iterations);
            best256 = Math.Min(best256, Stopwatch.GetTimestamp() - start);
            start = Stopwatch.GetTimestamp();
            FmaChains.Run512(iterations);
            best512 = Math.Min(best512, Stopwatch.GetTimestamp() - start);
        }
        // Equal instruction counts: the ratio of lanes per second is 2 × (time of 256-bit / time of 512-bit).
        double laneRatio = 2 * best256 / Math.Max(best512, 1);
        return laneRatio > 1.5 ? 2 : 1;
    }
}
