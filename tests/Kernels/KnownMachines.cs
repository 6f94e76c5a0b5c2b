using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Host.Gemm;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The properties of the processors the planner's rules were measured on (as CPUID reported them inside each 2-vCPU
/// guest), so that the plans each would get are checked on any machine: GemmCostModel.For is given these properties
/// instead of the ones of the machine the tests run on.
/// </summary>
internal static class KnownMachines
{
    /// <summary>AMD Zen 3 (EPYC, AVX2 only): 32 KiB 8-way L1d, 512 KiB L2, 32 MiB L3 per 16 threads.</summary>
    public static readonly MachineProperties Zen3 = new(256, 0, new(32 << 10, 8, 64, 1), new(512 << 10, 8, 1024, 1), new(32 << 20, 16, 32768, 16));

    /// <summary>AMD Zen 4 (EPYC, AVX-512 with each 512-bit FMA split in two): 32 KiB 8-way L1d, 1 MiB L2, 32 MiB L3.</summary>
    public static readonly MachineProperties Zen4 = new(512, 1, new(32 << 10, 8, 64, 1), new(1 << 20, 8, 2048, 1), new(32 << 20, 16, 32768, 2));

    /// <summary>Intel Emerald Rapids Xeon (two full-width 512-bit FMA pipes): 48 KiB 12-way L1d, 2 MiB L2, 320 MiB L3 per 128 threads.</summary>
    public static readonly MachineProperties Xeon = new(512, 2, new(48 << 10, 12, 64, 1), new(2 << 20, 16, 2048, 1), new(320 << 20, 16, 327680, 128));

    /// <summary>The float plan the kernel of <paramref name="instructionSet"/> gets on <paramref name="machine"/>.</summary>
    public static GemmPlan Plan(MachineProperties machine, GemmInstructionSet instructionSet, bool transposeA, bool transposeB,
        int m, int n, int k, int threads)
        => instructionSet switch
        {
            GemmInstructionSet.Vector512 => GemmPlan.Create(m, n, k, transposeA, transposeB, threads,
                BlockedGemm<float, FloatKernel512>.Traits with { Model = GemmCostModel.For(machine, 512, sizeof(float)) }),
            GemmInstructionSet.Vector256 => GemmPlan.Create(m, n, k, transposeA, transposeB, threads,
                BlockedGemm<float, Kernel256<float>>.Traits with { Model = GemmCostModel.For(machine, 256, sizeof(float)) }),
            _ => throw new ArgumentOutOfRangeException(nameof(instructionSet), instructionSet, "Vector512 or Vector256"),
        };
}
