using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchVae.Bench.Report;

/// <summary>What the report says about the processor.</summary>
/// <param name="Vendor">CPUID's vendor string ("AuthenticAMD", "GenuineIntel"), or the architecture off x86.</param>
/// <param name="Family">The display family (base + extended), 0 when unknown.</param>
/// <param name="Model">The display model (base + extended), 0 when unknown.</param>
/// <param name="Stepping">The stepping, 0 when unknown.</param>
/// <param name="ModelName">/proc/cpuinfo's "model name", else CPUID's brand string, else "unknown".</param>
/// <param name="Isa">The instruction sets .NET reports as supported (AVX2, FMA, AVX-512F, …), and whether Vector512 is accelerated.</param>
/// <param name="LogicalProcessors">Environment.ProcessorCount.</param>
/// <param name="CpuInfoFlags">The flags line of /proc/cpuinfo (empty where there is none).</param>
public sealed record CpuDescription(string Vendor, int Family, int Model, int Stepping, string ModelName, IReadOnlyList<string> Isa, int LogicalProcessors,
    IReadOnlySet<string> CpuInfoFlags)
{
    /// <summary>"AMD EPYC (AuthenticAMD family 25 model 17 stepping 1)".</summary>
    public string Summary => Family == 0 ? $"{ModelName} ({Vendor})" : $"{ModelName} ({Vendor} family {Family} model {Model} stepping {Stepping})";

    /// <summary>Reads this machine: CPUID where the processor is x86, /proc/cpuinfo where it exists.</summary>
    public static CpuDescription Detect()
    {
        string? text = null;
        try
        {
            if (File.Exists("/proc/cpuinfo")) text = File.ReadAllText("/proc/cpuinfo");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var fields = text is null ? null : CpuInfoText.Parse(text);
        var isa = new List<string>();
        if (Sse42.IsSupported) isa.Add("SSE4.2");
        if (Avx.IsSupported) isa.Add("AVX");
        if (Avx2.IsSupported) isa.Add("AVX2");
        if (Fma.IsSupported) isa.Add("FMA");
        if (Avx512F.IsSupported) isa.Add("AVX-512F");
        if (Avx512BW.IsSupported) isa.Add("AVX-512BW");
        if (Avx512DQ.IsSupported) isa.Add("AVX-512DQ");
        if (Avx512Vbmi.IsSupported) isa.Add("AVX-512VBMI");
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) isa.Add("AdvSIMD");
        isa.Add(Vector512.IsHardwareAccelerated ? "Vector512 accelerated" : Vector256.IsHardwareAccelerated ? "Vector256 accelerated (not Vector512)" : "no 256-bit vectors");

        if (!X86Base.IsSupported)
            return new CpuDescription(RuntimeInformation.ProcessArchitecture.ToString(), fields?.Family ?? 0, fields?.Model ?? 0, fields?.Stepping ?? 0,
                fields?.ModelName ?? "unknown", isa, Environment.ProcessorCount, fields?.Flags ?? new HashSet<string>());
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        string vendor = VendorString(ebx, edx, ecx);
        var (eax1, _, _, _) = X86Base.CpuId(1, 0);
        var (family, model, stepping) = DecodeSignature((uint)eax1);
        string name = fields?.ModelName ?? BrandString() ?? "unknown";
        return new CpuDescription(vendor, family, model, stepping, name, isa, Environment.ProcessorCount, fields?.Flags ?? new HashSet<string>());
    }

    /// <summary>
    /// Family, model and stepping from CPUID leaf 1's EAX, as Intel's and AMD's manuals define the displayed values:
    /// the extended family is added when the base family is 0xF, the extended model is prepended (×16) when the base
    /// family is 0x6 or 0xF. 0x00A10F11 (a Zen 4 EPYC) is family 25, model 17, stepping 1.
    /// </summary>
    public static (int Family, int Model, int Stepping) DecodeSignature(uint eax)
    {
        int stepping = (int)(eax & 0xF), model = (int)((eax >> 4) & 0xF), family = (int)((eax >> 8) & 0xF);
        int extendedModel = (int)((eax >> 16) & 0xF), extendedFamily = (int)((eax >> 20) & 0xFF);
        int displayFamily = family == 0xF ? family + extendedFamily : family;
        int displayModel = family is 0x6 or 0xF ? model + (extendedModel << 4) : model;
        return (displayFamily, displayModel, stepping);
    }

    /// <summary>The 12 characters of leaf 0: EBX, EDX, ECX in that order ("Genu" "ineI" "ntel").</summary>
    public static string VendorString(int ebx, int edx, int ecx)
    {
        Span<byte> bytes = stackalloc byte[12];
        BitConverter.TryWriteBytes(bytes[0..4], ebx);
        BitConverter.TryWriteBytes(bytes[4..8], edx);
        BitConverter.TryWriteBytes(bytes[8..12], ecx);
        return System.Text.Encoding.ASCII.GetString(bytes).TrimEnd('\0');
    }

    private static string? BrandString()
    {
        var (maximum, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        if ((uint)maximum < 0x80000004) return null;
        var bytes = new byte[48];
        for (int i = 0; i < 3; i++)
        {
            var (a, b, c, d) = X86Base.CpuId(unchecked((int)(0x80000002 + i)), 0);
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i), a);
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i + 4), b);
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i + 8), c);
            BitConverter.TryWriteBytes(bytes.AsSpan(16 * i + 12), d);
        }
        string brand = System.Text.Encoding.ASCII.GetString(bytes).TrimEnd('\0').Trim();
        return brand.Length == 0 ? null : brand;
    }
}

/// <summary>The fields of /proc/cpuinfo the report uses, from its first processor block.</summary>
/// <param name="Vendor">"vendor_id".</param>
/// <param name="ModelName">"model name".</param>
/// <param name="Family">"cpu family".</param>
/// <param name="Model">"model".</param>
/// <param name="Stepping">"stepping".</param>
/// <param name="Flags">"flags", split at spaces.</param>
/// <param name="Processors">How many "processor" lines the text has.</param>
public sealed record CpuInfoText(string? Vendor, string? ModelName, int? Family, int? Model, int? Stepping, IReadOnlySet<string> Flags, int Processors)
{
    /// <summary>Parses the text; lines it does not know are ignored, values it cannot read are null.</summary>
    public static CpuInfoText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        int processors = 0;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (key == "processor") processors++;
            if (processors <= 1) first.TryAdd(key, value);
        }
        static int? Number(Dictionary<string, string> map, string key)
            => map.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;
        var flags = first.TryGetValue("flags", out var f) ? f.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) : [];
        return new CpuInfoText(first.GetValueOrDefault("vendor_id"), first.GetValueOrDefault("model name"), Number(first, "cpu family"),
            Number(first, "model"), Number(first, "stepping"), flags, processors);
    }
}
