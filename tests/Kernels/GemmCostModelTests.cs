using System.Text.RegularExpressions;
using NUnit.Framework;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Tests.Docs;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// The planner's cost model as a function of the machine's properties: the figures measured on the Zen 3 machine and
/// on the Xeon come out of <see cref="GemmCostModel.For"/> given those machines' properties, the exceptions apply
/// only where their condition holds, and each has its row in docs/perf-notes.md.
/// </summary>
public sealed class GemmCostModelTests
{
    [Test]
    public void TheZen3PropertiesGiveTheFiguresMeasuredThere()
    {
        var model = GemmCostModel.For(KnownMachines.Zen3, 256, sizeof(float));
        // Two 256-bit pipes × 8 floats; 0.15 cycles per float from L3; 192 KiB blocks of A (3/8 of 512 KiB), 2 MiB of B.
        Assert.That(model, Is.EqualTo(new GemmCostModel(16, 0.15, RowBlockBytes: 192 << 10, ColumnBlockBytes: 2 << 20,
            SharedColumnBlockBytes: 2 << 20, L1Sets: 64, L1Ways: 8, AvoidLargePartsOnePerThread: true, ReadsOperandsInPlace: true,
            ShareLargeBBlocks: true, BalanceTolerance: 0.03)));
        Assert.That(GemmCostModel.For(KnownMachines.Zen3, 256, sizeof(double)).FusedMultiplyAddsPerCycle, Is.EqualTo(8));
        Assert.That(GemmCostModel.For(KnownMachines.Zen3, 32, sizeof(float)).FusedMultiplyAddsPerCycle, Is.EqualTo(2), "scalar FMAs on two pipes");
        Assert.That(GemmCostModel.ExceptionsFor(KnownMachines.Zen3, 256, sizeof(float)), Is.Empty);
        // The Vector512 kernels run there too, emulated in 256-bit halves (the tests run them on any processor): they
        // plan with the lanes of two 256-bit pipes, as the Zen 3 figures always gave them, never with zero.
        Assert.That(GemmCostModel.For(KnownMachines.Zen3, 512, sizeof(float)).FusedMultiplyAddsPerCycle, Is.EqualTo(16));
        Assert.That(GemmCostModel.For(KnownMachines.Zen3, 512, sizeof(double)).FusedMultiplyAddsPerCycle, Is.EqualTo(8));
        Assert.That(KnownMachines.Plan(KnownMachines.Zen3, GemmInstructionSet.Vector512, false, true, 128, 784, 400, 2).Parts, Is.GreaterThan(0));
    }

    [Test]
    public void TheXeonPropertiesGiveTheFiguresMeasuredThere()
    {
        // The figures that were written out for the Xeon's float Vector512 kernel before they were derived.
        var model = GemmCostModel.For(KnownMachines.Xeon, 512, sizeof(float));
        Assert.Multiple(() =>
        {
            Assert.That(model.FusedMultiplyAddsPerCycle, Is.EqualTo(32), "two 512-bit pipes × 16 floats");
            Assert.That(model.StreamCyclesPerElement, Is.EqualTo(0.45));
            Assert.That(model.ColumnBlockBytes, Is.EqualTo(512 << 10), "a quarter of its 2 MiB L2");
            Assert.That(model.SharedColumnBlockBytes, Is.EqualTo(2 << 20));
            Assert.That(model.RowBlockBytes, Is.EqualTo(768 << 10), "3/8 of its 2 MiB L2");
            Assert.That((model.L1Sets, model.L1Ways), Is.EqualTo((64, 12)));
            Assert.That(model.AvoidLargePartsOnePerThread, Is.False);
            Assert.That(model.ReadsOperandsInPlace, Is.False);
            Assert.That(model.ShareLargeBBlocks, Is.False);
            Assert.That(model.BalanceTolerance, Is.EqualTo(0));
            Assert.That(model.HalfTileColumnSplits && model.ReadsRowMajorAInPlace && model.ReadsRowMajorBInPlace
                        && model.TransposesSmallerOperand && model.ClaimsColumnSlivers, Is.True);
        });
        Assert.That(GemmCostModel.ExceptionsFor(KnownMachines.Xeon, 512, sizeof(float)), Is.EqualTo(GemmCostModel.Exceptions.Select(rule => rule.Name)));
    }

    [Test]
    public void ExceptionsApplyOnlyToTheFloatKernelOnTwo512BitPipes()
    {
        Assert.That(GemmCostModel.ExceptionsFor(KnownMachines.Zen4, 512, sizeof(float)), Is.Empty, "Zen 4 splits its 512-bit FMAs");
        Assert.That(GemmCostModel.ExceptionsFor(KnownMachines.Xeon, 256, sizeof(float)), Is.Empty, "the Vector256 kernel was not measured there");
        Assert.That(GemmCostModel.ExceptionsFor(KnownMachines.Xeon, 512, sizeof(double)), Is.Empty, "nor the double one");
        // Zen 4: one split 512-bit pipe gives the lanes of two 256-bit ones; its 1 MiB L2 gives 384 KiB blocks of A.
        var zen4 = GemmCostModel.For(KnownMachines.Zen4, 512, sizeof(float));
        Assert.That(zen4, Is.EqualTo(GemmCostModel.For(KnownMachines.Zen3, 256, sizeof(float)) with { RowBlockBytes = 384 << 10 }));
        Assert.That(GemmCostModel.For(KnownMachines.Xeon, 512, sizeof(double)).FusedMultiplyAddsPerCycle, Is.EqualTo(16));
    }

    [Test]
    public void WithoutAnL3TheBlocksOfBAreHalfOfL2()
    {
        var noL3 = KnownMachines.Zen3 with { L3 = default };
        Assert.That(GemmCostModel.For(noL3, 256, sizeof(float)).ColumnBlockBytes, Is.EqualTo(256 << 10));
    }

    [Test]
    public void EveryExceptionHasItsRowInThePerfNotes()
    {
        string notes = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "perf-notes.md"));
        int section = notes.IndexOf("## The planner's measured rules", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), "perf-notes.md has the section the model links to");
        Assert.That(GemmCostModel.PerfNotes, Does.EndWith("#the-planners-measured-rules"));
        string table = notes[section..];
        var rows = Regex.Matches(table, @"^\| ([^|]+?) \|", RegexOptions.Multiline).Select(match => match.Groups[1].Value).ToHashSet();
        Assert.That(GemmCostModel.Exceptions.Select(rule => rule.Name).Distinct().Count(), Is.EqualTo(GemmCostModel.Exceptions.Count), "names are unique");
        foreach (var rule in GemmCostModel.Exceptions)
        {
            Assert.That(rows, Does.Contain(rule.Name), $"perf-notes has no row '{rule.Name}'");
            Assert.That(rule.Reason, Is.Not.Empty.And.Not.Contain("\n"), rule.Name);
        }
    }

    [Test]
    public void TheKernelsPlanWithThisMachinesModel()
    {
        var machine = MachineProperties.Current;
        Assert.That(FloatKernel512.CostModel, Is.EqualTo(GemmCostModel.For(machine, 512, sizeof(float))));
        Assert.That(Kernel256<float>.CostModel, Is.EqualTo(GemmCostModel.For(machine, 256, sizeof(float))));
        Assert.That(Kernel256<double>.CostModel.FusedMultiplyAddsPerCycle, Is.EqualTo(8));
    }
}
