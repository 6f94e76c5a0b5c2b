using System.Numerics;
using System.Runtime.InteropServices;
using ScratchVae.Kernels.Host;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Tests.Kernels;

/// <summary>
/// Properties every host GEMM plan must have, checked over many shapes, thread counts and micro-kernels rather than by
/// the text of a few plans:
/// <list type="bullet">
/// <item>The rectangles a plan hands out (<see cref="GemmPlan.Assignments"/>) cover every element of C exactly once,
/// and its figures fit the kernel (parts and blocks whole tiles, KC ≤ 256 and the same for every kernel, element type
/// and thread count of a shape: the rule of docs/perf-notes.md, "v-samebits"). Running a plan on all-ones operands
/// with beta = 1 then checks the same through the drivers: an element computed twice would hold 2k.</item>
/// <item>For one micro-kernel, every plan that can run a shape (every grid, packed or in place, claimed slivers and
/// slices, shared B blocks, the transposed product) gives the same bits: each element is the same sums in the same
/// order. The Vector256 and Vector512 kernels give the same bits as each other (their planners' plans are compared in
/// GemmInstructionSetAgreementTests); the scalar kernel rounds each multiply and add separately and may differ.</item>
/// </list>
/// </summary>
public sealed unsafe class GemmPlanPropertyTests
{
    /// <summary>The Vector512 float kernel's figures on the Xeon, so that the plans only two 512-bit FMA pipes get
    /// (half-tile splits, claimed slivers and slices, the transposed product) are checked on any processor.</summary>
    internal static readonly GemmCostModel XeonFigures = GemmCostModel.For(KnownMachines.Xeon, 512, sizeof(float));

    /// <summary>A planner: a micro-kernel as the planner sees it (with the cost model it plans with) and its plans.</summary>
    internal sealed record Planner(string Name, GemmKernelTraits Kernel, Func<bool, bool, int, int, int, int, GemmPlan> Plan)
    {
        public int ElementSize => Kernel.ElementSize;
        public int Rows => Kernel.TileRows;
        public int Columns => Kernel.TileColumns;
        public bool SupportsRowStridedA => Kernel.SupportsRowStridedA;
        public bool SupportsTransposedC => Kernel.SupportsTransposedC;
        public GemmCostModel Model => Kernel.Model;
    }

    /// <summary>Every micro-kernel's planner (BlockedGemm.Plan, with the figures of this processor), and the Xeon's figures.</summary>
    internal static readonly Planner[] Planners =
    [
        new("float Vector512", BlockedGemm<float, FloatKernel512>.Traits, BlockedGemm<float, FloatKernel512>.Plan),
        new("float Vector512, Xeon figures", BlockedGemm<float, FloatKernel512>.Traits with { Model = XeonFigures },
            (transposeA, transposeB, m, n, k, threads) => GemmPlan.Create(m, n, k, transposeA, transposeB, threads,
                BlockedGemm<float, FloatKernel512>.Traits with { Model = XeonFigures })),
        new("float Vector256", BlockedGemm<float, Kernel256<float>>.Traits, BlockedGemm<float, Kernel256<float>>.Plan),
        new("float scalar", BlockedGemm<float, ScalarKernel<float>>.Traits, BlockedGemm<float, ScalarKernel<float>>.Plan),
        new("double Vector512", BlockedGemm<double, DoubleKernel512>.Traits, BlockedGemm<double, DoubleKernel512>.Plan),
        new("double Vector256", BlockedGemm<double, Kernel256<double>>.Traits, BlockedGemm<double, Kernel256<double>>.Plan),
        new("double scalar", BlockedGemm<double, ScalarKernel<double>>.Traits, BlockedGemm<double, ScalarKernel<double>>.Plan),
    ];

    private static readonly int[] Sizes = [1, 7, 20, 33, 128, 257, 400, 784, 1030];
    private static readonly int[] ThreadCounts = [1, 2, 3, 8];

    /// <summary>
    /// Every shape with m, n, k from <see cref="Sizes"/> (729), all four transposes and 1, 2, 3 and 8 threads, for every
    /// planner: 81,648 plans.
    /// </summary>
    [Test]
    public void EveryPlanCoversCOnceAndFitsItsKernel()
    {
        int plans = 0;
        foreach (int m in Sizes)
        foreach (int n in Sizes)
        foreach (int k in Sizes)
        {
            int? depthBlock = null;
            foreach (bool transposeA in new[] { false, true })
            foreach (bool transposeB in new[] { false, true })
            foreach (int threads in ThreadCounts)
            foreach (Planner planner in Planners)
            {
                GemmPlan plan = planner.Plan(transposeA, transposeB, m, n, k, threads);
                string context = $"{planner.Name} {m}x{n}x{k}:{(transposeA ? 'T' : 'N')}{(transposeB ? 'T' : 'N')} on {threads} thread(s): {plan}";
                AssertFitsKernel(plan, planner, transposeA, transposeB, m, n, k, threads, context);
                AssertCoversEveryElementOnce(plan, m, n, planner.Columns, context);
                depthBlock ??= plan.DepthBlock;
                Assert.That(plan.DepthBlock, Is.EqualTo(depthBlock), $"{context}: KC differs from the other plans of the shape");
                plans++;
            }
        }
        // Wide NT shapes whose transposed product has more than one NC block's worth of columns (m > 512 floats at KC = 256).
        foreach (var (m, n, k) in new[] { (600, 2400, 256), (784, 3136, 400), (1030, 4200, 300), (520, 3200, 1024) })
        foreach (int threads in ThreadCounts)
        foreach (Planner planner in Planners)
        {
            GemmPlan plan = planner.Plan(false, true, m, n, k, threads);
            string context = $"{planner.Name} {m}x{n}x{k}:NT on {threads} thread(s): {plan}";
            AssertFitsKernel(plan, planner, false, true, m, n, k, threads, context);
            AssertCoversEveryElementOnce(plan, m, n, planner.Columns, context);
            plans++;
        }
        TestContext.Out.WriteLine($"{plans} plans");
    }

    /// <summary>Fails unless the plan's rectangles lie in the m × n C, are not empty, do not overlap and cover all of it.</summary>
    internal static void AssertCoversEveryElementOnce(in GemmPlan plan, int m, int n, int tileColumns, string context)
    {
        var parts = plan.Assignments(m, n, tileColumns);
        long area = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            var (r0, r1, c0, c1) = parts[i];
            if (!(0 <= r0 && r0 < r1 && r1 <= m && 0 <= c0 && c0 < c1 && c1 <= n))
                Assert.Fail($"{context}: part {i} is rows {r0}..{r1}, columns {c0}..{c1}, empty or outside the {m} x {n} C");
            area += (long)(r1 - r0) * (c1 - c0);
            for (int j = 0; j < i; j++)
            {
                var (s0, s1, d0, d1) = parts[j];
                if (r0 < s1 && s0 < r1 && c0 < d1 && d0 < c1)
                    Assert.Fail($"{context}: parts {j} and {i} overlap (rows {s0}..{s1} / {r0}..{r1}, columns {d0}..{d1} / {c0}..{c1})");
            }
        }
        if (area != (long)m * n) Assert.Fail($"{context}: the parts cover {area} of the {(long)m * n} elements of C");
    }

    // The figures the drivers rely on, in the coordinates of the product the plan computes (Cᵀ for a transposed plan).
    private static void AssertFitsKernel(in GemmPlan plan, Planner planner, bool transposeA, bool transposeB, int m, int n, int k, int threads, string context)
    {
        var (rows, columns, productTransposeA, productTransposeB) = plan.TransposedC ? (n, m, !transposeB, !transposeA) : (m, n, transposeA, transposeB);
        Assert.That(plan.DepthBlock, Is.InRange(1, Math.Min(k, 256)), $"{context}: KC");
        Assert.That(plan.RowBlock % planner.Rows, Is.Zero, $"{context}: MC is whole tiles");
        Assert.That(plan.ColumnBlock % planner.Columns, Is.Zero, $"{context}: NC is whole tiles");
        Assert.That(plan.RowsPerPart % planner.Rows, Is.Zero, $"{context}: parts are whole tiles tall");
        Assert.That(plan.ColumnsPerPart % (planner.Columns / 2), Is.Zero, $"{context}: parts are whole or half tiles wide");
        Assert.That(plan.ClaimsColumns && plan.ClaimsRows, Is.False, $"{context}: claims columns or rows, not both");
        Assert.That(threads > 1 || plan.Parts == 1, Is.True, $"{context}: one thread gets one part");
        if (!plan.PackB) Assert.That(productTransposeB, Is.False, $"{context}: a transposed B is packed");
        if (!plan.PackA && !productTransposeA) Assert.That(planner.SupportsRowStridedA, Is.True, $"{context}: a row-major A in place needs a row-strided kernel");
        if (plan.SharedB)
            Assert.That(plan.Parts == 1 && plan.PackA && plan.PackB && !plan.TransposedC && threads > 1, Is.True, $"{context}: a shared-B plan");
        if (plan.TransposedC) Assert.That(planner.SupportsTransposedC, Is.True, $"{context}: the kernel stores transposed tiles");
        if (plan.ClaimsColumns) Assert.That(plan.RowParts, Is.EqualTo(1), $"{context}: claimed slivers span all rows");
        if (plan.ClaimsRows)
        {
            Assert.That(plan.ColumnParts == 1 && plan.TransposedC, Is.True, $"{context}: claimed slices span all columns of the transposed product");
            // RunClaimedRows packs all of B once, and RunBlock then reads every sliver from that packing (so B must be
            // a packed plan's: an in-place plan would read its edge sliver from the wrong place) and indexes the panels
            // from the start of each NC block (so there must be only one).
            Assert.That(plan.PackB, Is.True, $"{context}: claimed slices read B packed");
            Assert.That(plan.ColumnBlock, Is.GreaterThanOrEqualTo(columns), $"{context}: claimed slices need one NC block");
        }
        Assert.That(plan.RowParts * plan.RowsPerPart, Is.GreaterThanOrEqualTo(rows), $"{context}: rows");
        Assert.That(plan.ColumnParts * plan.ColumnsPerPart, Is.GreaterThanOrEqualTo(columns), $"{context}: columns");
    }

    // Runs through the drivers: all-ones operands, beta = 1 and C = 0, so every element computed exactly once holds k,
    // and guard elements around C stay as they were.
    [Test]
    public void RunningAPlanComputesEveryElementOnce()
    {
        using var pool = new WorkerPool(2);
        int runs = 0;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 33, 20), (20, 400, 128), (128, 784, 400), (257, 130, 600), (530, 520, 300), (1030, 33, 257) })
        foreach (bool transposeA in new[] { false, true })
        foreach (bool transposeB in new[] { false, true })
        foreach (int threads in new[] { 1, 2, 3 })
        foreach (Planner planner in Planners)
        {
            GemmPlan plan = planner.Plan(transposeA, transposeB, m, n, k, threads);
            string context = $"{planner.Name} {m}x{n}x{k}:{(transposeA ? 'T' : 'N')}{(transposeB ? 'T' : 'N')} planned for {threads} thread(s): {plan}";
            if (planner.ElementSize == 4) CountCoverage<float>(pool, planner, plan, transposeA, transposeB, m, n, k, context);
            else CountCoverage<double>(pool, planner, plan, transposeA, transposeB, m, n, k, context);
            runs++;
        }
        TestContext.Out.WriteLine($"{runs} runs");
    }

    private static void CountCoverage<T>(WorkerPool pool, Planner planner, in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Guard = 64;
        T[] a = Enumerable.Repeat(T.One, m * k).ToArray(), b = Enumerable.Repeat(T.One, k * n).ToArray();
        T[] c = new T[m * n + 2 * Guard];
        T sentinel = T.CreateChecked(-7);
        c.AsSpan(0, Guard).Fill(sentinel);
        c.AsSpan(Guard + m * n).Fill(sentinel);
        fixed (T* pa = a, pb = b, pc = c)
            Run(pool, planner, plan, transposeA, transposeB, m, n, k, T.One, pa, pb, T.One, pc + Guard);
        T expected = T.CreateChecked(k);
        for (int e = 0; e < m * n; e++)
            if (c[Guard + e] != expected)
                Assert.Fail($"{context}: C[{e / n},{e % n}] = {c[Guard + e]}, {double.CreateChecked(c[Guard + e]) / k} times k");
        for (int e = 0; e < Guard; e++)
            if (c[e] != sentinel || c[Guard + m * n + e] != sentinel) Assert.Fail($"{context}: wrote outside C");
    }

    /// <summary>Runs a plan with the planner's micro-kernel (<see cref="BlockedGemm{T, TKernel}.Run"/>).</summary>
    internal static void Run<T>(WorkerPool pool, Planner planner, in GemmPlan plan, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, T* b, T beta, T* c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            float fa = float.CreateTruncating(alpha), fb = float.CreateTruncating(beta);
            if (planner.Name.StartsWith("float Vector512", StringComparison.Ordinal))
                BlockedGemm<float, FloatKernel512>.Run(pool, plan, transposeA, transposeB, m, n, k, fa, (float*)a, (float*)b, fb, (float*)c);
            else if (planner.Name == "float Vector256")
                BlockedGemm<float, Kernel256<float>>.Run(pool, plan, transposeA, transposeB, m, n, k, fa, (float*)a, (float*)b, fb, (float*)c);
            else BlockedGemm<float, ScalarKernel<float>>.Run(pool, plan, transposeA, transposeB, m, n, k, fa, (float*)a, (float*)b, fb, (float*)c);
            return;
        }
        double da = double.CreateTruncating(alpha), db = double.CreateTruncating(beta);
        if (planner.Name == "double Vector512")
            BlockedGemm<double, DoubleKernel512>.Run(pool, plan, transposeA, transposeB, m, n, k, da, (double*)a, (double*)b, db, (double*)c);
        else if (planner.Name == "double Vector256")
            BlockedGemm<double, Kernel256<double>>.Run(pool, plan, transposeA, transposeB, m, n, k, da, (double*)a, (double*)b, db, (double*)c);
        else BlockedGemm<double, ScalarKernel<double>>.Run(pool, plan, transposeA, transposeB, m, n, k, da, (double*)a, (double*)b, db, (double*)c);
    }

    /// <summary>
    /// Every plan that can run the shape with the planner's kernel: the planner's own for 1 to 4 threads, every distinct
    /// grid of up to 8 parts (B packed as the model says, packed, and in place where B is row-major; whole or half-tile
    /// columns for the Intel figures), each 1 × P grid with claimed column slivers, the shared-B plan where panels are
    /// whole vectors, and for a kernel that stores transposed tiles the grids of the transposed product, 1 × P ones also
    /// with claimed column slivers and P × 1 ones with claimed row slices.
    /// </summary>
    internal static List<GemmPlan> ValidPlans(Planner planner, bool transposeA, bool transposeB, int m, int n, int k)
    {
        GemmCostModel model = planner.Model;
        var plans = new List<GemmPlan>();
        for (int threads = 1; threads <= 4; threads++) plans.Add(planner.Plan(transposeA, transposeB, m, n, k, threads));
        foreach (bool? packB in new bool?[] { null, true, false })
        foreach (bool halfTiles in model.HalfTileColumnSplits ? new[] { true, false } : new[] { false })
        for (int rowParts = 1; rowParts <= 8; rowParts++)
        for (int columnParts = 1; rowParts * columnParts <= 8; columnParts++)
        {
            if (GemmPlan.ForGrid(m, n, k, transposeA, transposeB, 2, planner.Kernel with { Model = model with { HalfTileColumnSplits = halfTiles } },
                    rowParts, columnParts, packB) is not { } grid) continue;
            if (packB == false && transposeB) Assert.That(grid.PackB, Is.True, "a transposed B is always packed");
            plans.Add(grid);
            if (rowParts == 1 && columnParts > 1) plans.Add(grid with { ClaimsColumns = true });
            if (planner.SupportsTransposedC && packB is null && !halfTiles
                && GemmPlan.ForGrid(n, m, k, !transposeB, !transposeA, 2, planner.Kernel with { Model = model with { HalfTileColumnSplits = false } },
                    rowParts, columnParts) is { } swapped)
            {
                plans.Add(swapped with { TransposedC = true });
                if (rowParts == 1 && columnParts > 1) plans.Add(swapped with { TransposedC = true, ClaimsColumns = true });
                // Claimed slices read all of B packed, from the start of its only NC block (see AssertFitsKernel).
                if (columnParts == 1 && rowParts > 1 && swapped.PackB && swapped.ColumnBlock >= m) plans.Add(swapped with { TransposedC = true, ClaimsRows = true });
            }
        }
        if (planner.Columns * planner.ElementSize % 32 == 0)
            plans.Add(GemmPlan.ForSharedB(m, n, k, 2, planner.Kernel));
        return plans.Distinct().ToList();
    }

    private static readonly (int M, int N, int K, bool TransposeA, bool TransposeB)[] BitShapes =
    [
        (37, 300, 270, false, false), (37, 300, 270, false, true), (37, 300, 270, true, false), (37, 300, 270, true, true),
        (130, 257, 600, false, true), (7, 65, 513, true, false), (128, 784, 400, false, true), (128, 400, 784, false, false),
        (400, 784, 128, true, false),
    ];

    [Test]
    public void EveryPlanOfAKernelGivesTheSameBitsFloat() => SameBitsForEveryPlan<float>();

    [Test]
    public void EveryPlanOfAKernelGivesTheSameBitsDouble() => SameBitsForEveryPlan<double>();

    private static void SameBitsForEveryPlan<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var pool = new WorkerPool(2);
        int elementSize = sizeof(T), runs = 0;
        Planner[] planners = Planners.Where(p => p.ElementSize == elementSize).ToArray();
        foreach (var (m, n, k, transposeA, transposeB) in BitShapes)
        {
            var random = new Random(m + 3 * n + 7 * k + (transposeA ? 1 : 0) + (transposeB ? 2 : 0));
            T[] a = Uniform<T>(random, m * k), b = Uniform<T>(random, k * n), c0 = Uniform<T>(random, m * n);
            T alpha = T.CreateChecked(0.75), beta = T.CreateChecked(-0.5);
            T[]? vectorBits = null;
            foreach (Planner planner in planners)
            {
                bool scalar = planner.Name.EndsWith("scalar", StringComparison.Ordinal);
                if (scalar && (long)m * n * k > 10_000_000) continue;
                T[]? kernelBits = scalar ? null : vectorBits;
                GemmPlan? first = null;
                foreach (GemmPlan plan in ValidPlans(planner, transposeA, transposeB, m, n, k))
                {
                    T[] c = (T[])c0.Clone();
                    fixed (T* pa = a, pb = b, pc = c) Run(pool, planner, plan, transposeA, transposeB, m, n, k, alpha, pa, pb, beta, pc);
                    runs++;
                    if (kernelBits is null)
                    {
                        kernelBits = c;
                        first = plan;
                        continue;
                    }
                    if (MemoryMarshal.AsBytes(c.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(kernelBits.AsSpan()))) continue;
                    int e = 0;
                    while (c[e].Equals(kernelBits[e])) e++;
                    Assert.Fail($"{planner.Name} {m}x{n}x{k}:{(transposeA ? 'T' : 'N')}{(transposeB ? 'T' : 'N')}: plan {plan} gives C[{e / n},{e % n}] = " +
                                $"{c[e]}, {(first is { } f ? $"plan {f}" : "the other vector kernel")} {kernelBits[e]}");
                }
                if (!scalar) vectorBits = kernelBits;
            }
        }
        TestContext.Out.WriteLine($"{runs} runs");
    }

    private static T[] Uniform<T>(Random random, int length) where T : INumberBase<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }
}
