extern alias bench;
using System.Text;
using bench::ScratchVae.Bench.Gemm;
using bench::ScratchVae.Bench.Report;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Cli;
using ScratchVae.Vae.Images;

namespace ScratchVae.Tests.Bench;

/// <summary>
/// bench report: the roofline model and GEMM intensities against hand computation, the machine detection's parsing,
/// the OpenBLAS kernel choice, the markdown's skip lines and ratios, the charts' files, and one tiny end-to-end run.
/// </summary>
[TestFixture]
public class ReportTests
{
    [Test]
    public void TheRooflineIsTheLowerOfPeakAndBandwidthTimesIntensity()
    {
        // Peak 200 GFLOP/s, 20 GB/s: the ridge at 10 FLOP/byte.
        Assert.That(Roofline.Ridge(200, 20), Is.EqualTo(10));
        Assert.That(Roofline.Attainable(200, 20, 0.125), Is.EqualTo(2.5), "a map of 1 FLOP per 8 bytes: 20 × 0.125");
        Assert.That(Roofline.Attainable(200, 20, 1), Is.EqualTo(20));
        Assert.That(Roofline.Attainable(200, 20, 10), Is.EqualTo(200), "the ridge: both roofs");
        Assert.That(Roofline.Attainable(200, 20, 170.7), Is.EqualTo(200), "1024³ is compute-bound");
    }

    [Test]
    public void AGemmsIntensityIsTwoMnkOverFourTimesItsOperands()
    {
        // 1024³: 2·1024³ / (4 · 3 · 1024²) = 1024 / 6.
        Assert.That(Roofline.GemmIntensity(GemmShape.Parse("1024x1024x1024:NN")), Is.EqualTo(1024.0 / 6).Within(1e-9));
        // The decoder's output layer 128 × 784 × 400: 80,281,600 FLOP over 4 · (128·400 + 400·784 + 128·784) = 1,860,608 bytes.
        var decoder = GemmShape.Parse("128x784x400:NT");
        Assert.That(decoder.Flops, Is.EqualTo(80_281_600));
        Assert.That(Roofline.GemmBytes(decoder), Is.EqualTo(1_860_608));
        Assert.That(Roofline.GemmIntensity(decoder), Is.EqualTo(80_281_600.0 / 1_860_608).Within(1e-12));
        // A head's weight gradient 20 × 400 × 128: 2,048,000 FLOP over 247,040 bytes ≈ 8.29 — left of a 10 FLOP/byte ridge.
        Assert.That(Roofline.GemmIntensity(GemmShape.Parse("20x400x128:TN")), Is.EqualTo(2_048_000.0 / 247_040).Within(1e-12));
        Assert.That(Roofline.GemmIntensity(GemmShape.Parse("20x400x128:TN")), Is.EqualTo(8.29).Within(0.005));
    }

    private const string SampleCpuInfo = """
        processor	: 0
        vendor_id	: AuthenticAMD
        cpu family	: 25
        model		: 17
        model name	: AMD EPYC 9R14 96-Core Processor
        stepping	: 1
        flags		: fpu sse2 avx avx2 fma avx512f avx512bw avx512dq
        
        processor	: 1
        vendor_id	: AuthenticAMD
        cpu family	: 25
        model		: 17
        model name	: AMD EPYC 9R14 96-Core Processor
        stepping	: 1
        flags		: fpu sse2 avx avx2 fma avx512f avx512bw avx512dq
        """;

    [Test]
    public void ProcCpuInfoIsReadFromItsFirstBlock()
    {
        var info = CpuInfoText.Parse(SampleCpuInfo);
        Assert.That((info.Vendor, info.ModelName, info.Family, info.Model, info.Stepping, info.Processors),
            Is.EqualTo(("AuthenticAMD", "AMD EPYC 9R14 96-Core Processor", (int?)25, (int?)17, (int?)1, 2)));
        Assert.That(info.Flags, Does.Contain("avx512f").And.Contain("fma").And.Not.Contain("avx512vl"));
        var empty = CpuInfoText.Parse("garbage without colons\n");
        Assert.That((empty.ModelName, empty.Family, empty.Processors, empty.Flags.Count), Is.EqualTo(((string?)null, (int?)null, 0, 0)));
    }

    [Test]
    public void CpuidSignaturesDecodeToTheDisplayedFamilyAndModel()
    {
        Assert.That(CpuDescription.DecodeSignature(0x00A10F11), Is.EqualTo((25, 17, 1)), "Zen 4 EPYC: family 0xF + 0xA, model 0x1 + 0x10");
        Assert.That(CpuDescription.DecodeSignature(0x000C06F2), Is.EqualTo((6, 207, 2)), "Emerald Rapids: family 6, model 0xF + 0xC0");
        Assert.That(CpuDescription.DecodeSignature(0x00000F41), Is.EqualTo((15, 4, 1)), "an old family 15 part: no extended family to add");
        // "Auth" "enti" "cAMD" in EBX, EDX, ECX.
        int Word(string four) => BitConverter.ToInt32(Encoding.ASCII.GetBytes(four));
        Assert.That(CpuDescription.VendorString(Word("Auth"), Word("enti"), Word("cAMD")), Is.EqualTo("AuthenticAMD"));
    }

    [Test]
    public void ThisMachinesDetectionFillsEveryField()
    {
        var cpu = CpuDescription.Detect();
        Assert.That(cpu.LogicalProcessors, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(cpu.Vendor, Is.Not.Empty);
        Assert.That(cpu.ModelName, Is.Not.Empty);
        Assert.That(cpu.Isa, Is.Not.Empty);
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported && File.Exists("/proc/cpuinfo"))
        {
            var info = CpuInfoText.Parse(File.ReadAllText("/proc/cpuinfo"));
            Assert.That((cpu.Family, cpu.Model), Is.EqualTo((info.Family ?? cpu.Family, info.Model ?? cpu.Model)), "CPUID agrees with the kernel's /proc/cpuinfo");
            Assert.That(cpu.Isa.Contains("AVX2"), Is.EqualTo(info.Flags.Contains("avx2")));
        }
    }

    [Test]
    public void TheOpenBlasKernelIsReplacedOnlyWhenItIsAGenericFallback()
    {
        var avx512 = new HashSet<string> { "avx2", "fma", "avx512f", "avx512bw" };
        var avx2 = new HashSet<string> { "avx2", "fma" };
        Assert.That(PythonPeers.ChooseOpenBlasCore("Prescott", avx512, null).CoreType, Is.EqualTo("SkylakeX"));
        Assert.That(PythonPeers.ChooseOpenBlasCore("Nehalem", avx2, null).CoreType, Is.EqualTo("Haswell"));
        Assert.That(PythonPeers.ChooseOpenBlasCore(null, avx2, null).CoreType, Is.EqualTo("Haswell"), "nothing named: treated as a fallback");
        Assert.That(PythonPeers.ChooseOpenBlasCore("Cooperlake", avx512, null), Is.EqualTo(((string?)null, "Cooperlake (OpenBLAS's automatic choice)")));
        Assert.That(PythonPeers.ChooseOpenBlasCore("Prescott", new HashSet<string> { "sse3" }, null).CoreType, Is.Null, "no better kernel to offer");
        Assert.That(PythonPeers.ChooseOpenBlasCore("Prescott", avx512, "Zen").CoreType, Is.EqualTo("Zen"), "OPENBLAS_PEER_CORETYPE wins");
        Assert.That(PythonPeers.ChooseOpenBlasCore("Prescott", avx512, "").CoreType, Is.Null, "empty: OpenBLAS's own choice");
    }

    /// <summary>
    /// Debian's python3-numpy alone runs on the reference BLAS; the OpenBLAS peer is skipped then, with the library
    /// named, rather than timing it under OpenBLAS's name (a report did, at 2.5–6 GFLOP/s). The BLAS lines are the two
    /// forms describe_peers.py writes: the libblas.so.3 alternative without threadpoolctl, threadpoolctl's line with it.
    /// </summary>
    [TestCase("libblas.so.3 is /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0 (threadpoolctl missing, so its kernel is not read here)", false)]
    [TestCase("libblas.so.3 is /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 (threadpoolctl missing, so its kernel is not read here)", true)]
    [TestCase("openblas 0.3.21 kernel=SkylakeX threads=2 (/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3)", true)]
    public void TheOpenBlasPeerRunsOnlyWhereNumpysBlasIsOpenBlas(string blas, bool openBlas)
    {
        var probe = new PeerProbe("/usr/bin/python3", null, "1.24.2", blas, null, null, null, "absent", false, null, null, null);
        Assert.That(probe.NumPyRunsOpenBlas, Is.EqualTo(openBlas));
        if (openBlas) Assert.That(probe.OpenBlasProblem, Is.Null);
        else Assert.That(probe.OpenBlasProblem, Does.StartWith("numpy's BLAS is not OpenBLAS (libblas.so.3 is /usr/lib/x86_64-linux-gnu/blas/").And.Contain("libopenblas0-pthread"));
        var noNumpy = new PeerProbe("/usr/bin/python3", null, null, null, "ModuleNotFoundError: No module named 'numpy'", null, null, "absent", false, null, null, null);
        Assert.That(noNumpy.OpenBlasProblem, Is.EqualTo("numpy cannot be imported by /usr/bin/python3: ModuleNotFoundError: No module named 'numpy'"));
    }

    [Test]
    public void EpochLinesAndScalingAreReadAsWritten()
    {
        Assert.That(PythonPeers.EpochSeconds("pytorch 1.13 threads 2\nepoch 1 train_loss 1 test_loss 2 recon 3 kl 4 seconds 12.5\nepoch 2 train_loss 1 test_loss 2 recon 3 kl 4 seconds 11.25\n"),
            Is.EqualTo(new[] { 12.5, 11.25 }));
        Assert.That(ReportRun.Scale(60_000, 12_800, 128), Is.EqualTo(469.0 / 100), "469 steps an epoch over 100 timed");
        Assert.That(ReportRun.Scale(60_000, 60_000, 128), Is.EqualTo(1));
        Assert.That(ReportProgress.Format(70), Is.EqualTo("1m10s"));
        Assert.That(ReportProgress.Format(45.4), Is.EqualTo("45s"));
        Assert.That(ReportProgress.Format(3725), Is.EqualTo("1h02m"));
    }

    [Test]
    public void BadFlagsAreUsageErrors()
    {
        Assert.That(() => Flags.Parse(ReportCommand.Verb, ["--bogus"], "bench"), Throws.TypeOf<UsageException>());
        Assert.That(() => ReportCommand.Settings(Flags.Parse(ReportCommand.Verb, ["--rounds", "0"], "bench")), Throws.TypeOf<UsageException>());
        var unknownSuite = Assert.Throws<UsageException>(() => ReportCommand.Settings(Flags.Parse(ReportCommand.Verb, ["--suites", "gemm,nope"], "bench")));
        Assert.That(unknownSuite!.Message, Does.Contain("'nope'").And.Not.Contain("\n"));
        Assert.That(() => ReportCommand.Settings(Flags.Parse(ReportCommand.Verb, ["--shapes", "12x3"], "bench")), Throws.TypeOf<FormatException>());
        var quick = ReportCommand.Settings(Flags.Parse(ReportCommand.Verb, ["--quick"], "bench"));
        Assert.That((quick.Rounds, quick.Epochs, quick.ConvLimit, quick.Limit, quick.Shapes.Count, quick.Out), Is.EqualTo((3, 1, (int?)12_800, (int?)null, 16, "bench-report")));
    }

    private static ReportResults HandMadeResults()
    {
        var results = new ReportResults { Cpu = new CpuDescription("AuthenticAMD", 25, 17, 1, "AMD EPYC", ["AVX2"], 2, new HashSet<string> { "avx2" }), Commit = "abc123", CommandLine = "bench report" };
        results.Shapes.Add("128x784x400:NT");
        ReportResults.At(results.Gemm, "ScratchVae host", "128x784x400:NT").Values.AddRange([190, 200, 210]);
        ReportResults.At(results.Gemm, ReportRun.OpenBlas, "128x784x400:NT").Values.AddRange([100, 90, 110]);
        results.GemmDevice["ScratchVae host"] = "host";
        results.GemmDevice[ReportRun.OpenBlas] = "host";
        results.Peak["host"] = new Samples();
        results.Peak["host"].Values.Add(250);
        results.Bandwidth["host"] = new Samples();
        results.Bandwidth["host"].Values.Add(25);
        results.Devices.Add(new Participant("host", "2 threads", null));
        results.Peers.Add(new Participant(ReportRun.OpenBlas, "numpy", null));
        results.Peers.Add(new Participant(ReportRun.PytorchCuda, "", "torch.cuda.is_available() is False"));
        return results;
    }

    private static ReportSettings TinySettings(string folder) => new()
    {
        Out = folder, Suites = new HashSet<string>(), Shapes = [], Peers = new HashSet<string>(), Python = "/nonexistent/python3", Data = "mnist",
        Seconds = 0.02, Rounds = 1, EpochRounds = 1, Epochs = 1, Threads = 2,
    };

    [Test]
    public void TheMarkdownListsAnAbsentPeerWithItsReasonAndRatiosFromTheMedians()
    {
        string md = ReportMarkdown.Write(HandMadeResults(), TinySettings("x"));
        Assert.That(md, Does.Contain("- PyTorch CUDA: torch.cuda.is_available() is False"));
        Assert.That(md, Does.Contain("| PyTorch CUDA | – | skipped: torch.cuda.is_available() is False |"));
        // Medians 200 and 100: ratio 2.00, 200 / 250 = 80% of peak; intensity 43.1; ridge 10.
        Assert.That(md, Does.Contain("| 128x784x400:NT | 43.1 | 200.0 | 100.0 | 80% | 2.00 |"));
        Assert.That(md, Does.Contain("| host | 250.0 | 25.0 | 10.00 |"));
        Assert.That(md, Does.Contain("- commit: abc123"));
    }

    [Test]
    public void ARooflineChartSavesAsAPngOfItsCanvasSizeAndAnSvgWithItsText()
    {
        using var folder = new TemporaryFolder();
        var canvas = ReportCharts.Roofline(HandMadeResults(), "host")!;
        canvas.Save(folder["roofline.png"]);
        canvas.Save(folder["roofline.svg"]);
        var png = PngFile.Read(folder["roofline.png"]);
        Assert.That((png.Width, png.Height), Is.EqualTo((canvas.Width, canvas.Height)));
        Assert.That(png.Pixels, Is.EqualTo(canvas.Render(1).Rgb));
        var texts = canvas.Marks.OfType<TextMark>().ToList();
        Assert.That(texts.Where(t => t.Role == TextRole.Title).Select(t => t.Text), Is.EqualTo(new[] { "Roofline: host" }));
        Assert.That(texts.Where(t => t.Role == TextRole.AxisTitle).Select(t => t.Text),
            Is.EquivalentTo(new[] { "arithmetic intensity, FLOP/byte (log)", "GFLOP/s (log)" }));
        Assert.That(texts.Where(t => t.Role == TextRole.Legend).Select(t => t.Text),
            Is.EqualTo(new[] { "bandwidth 25.0 GB/s", "peak 250 GFLOP/s", "ScratchVae host GEMM", "OpenBLAS (numpy) GEMM" }));
        string svg = File.ReadAllText(folder["roofline.svg"]);
        Assert.That(svg, Does.Contain(">Roofline: host<").And.Contain(">GFLOP/s (log)<"));
    }

    [Test]
    public void ATinyRunWritesTheReportAndItsChartsAndNamesEveryMissingPeer()
    {
        using var folder = new TemporaryFolder();
        string output = folder["report"];
        var flags = Flags.Parse(ReportCommand.Verb,
            ["--suites", "peak,gemm,maps,mlp", "--shapes", "64x64x64:NN,32x48x16:NT", "--seconds", "0.02", "--rounds", "1", "--epoch-rounds", "1", "--epochs", "1",
             "--limit", "256", "--data", "mnist", "--devices", "host", "--python", "/nonexistent/python3", "--out", output], "bench");
        var settings = ReportCommand.Settings(flags);
        var oldError = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        int code;
        try
        {
            code = ReportRun.Execute(settings);
        }
        finally
        {
            Console.SetError(oldError);
        }
        Assert.That(code, Is.EqualTo(0));
        Assert.That(error.ToString(), Does.Match(@"\[1/\d+\] FMA peak on host … \d+s left"));
        string md = File.ReadAllText(Path.Combine(output, "report.md"));
        foreach (string peer in new[] { ReportRun.OpenBlas, ReportRun.PytorchCpu, ReportRun.PytorchCuda, ReportRun.Cublas })
            Assert.That(md, Does.Contain($"- {peer}: /nonexistent/python3 does not exist (set PYTHON or --python)"), peer);
        Assert.That(md, Does.Contain("- ilgpu-cpu: not requested (--devices)"));
        Assert.That(md, Does.Contain("| 64x64x64:NN | 10.7 |"), "2·64³ / (4 · 3 · 64²) = 64 / 6");
        foreach (string chart in new[] { "roofline-host", "gemm-shapes", "epochs" })
        {
            Assert.That(md, Does.Contain($"]({chart}.png)"), chart);
            var png = PngFile.Read(Path.Combine(output, chart + ".png"));
            Assert.That(png.Width, Is.GreaterThanOrEqualTo(560), chart);
            Assert.That(File.ReadAllText(Path.Combine(output, chart + ".svg")), Does.StartWith("<svg").Or.StartWith("<?xml"), chart);
        }
        Assert.That(md, Does.Contain("**mlp, ScratchVae host: not a full epoch.** Timed on the first 256 training images (2 steps)"));
    }

    [Test]
    public void TheKernelsSuiteTablesEveryGpuKernelThroughPtxasOrSaysWhyNot()
    {
        using var folder = new TemporaryFolder();
        string? previous = Environment.GetEnvironmentVariable(Support.PtxasResources.PtxasVariable);
        try
        {
            // Without ptxas: a skip line with the install hint, and no table.
            Environment.SetEnvironmentVariable(Support.PtxasResources.PtxasVariable, folder["no-ptxas-here"]);
            string md = RunKernelsSuite(folder["without"]);
            Assert.That(md, Does.Contain($"- GPU kernels through ptxas: {Support.PtxasResources.InstallHint}"));
            Assert.That(md, Does.Not.Contain("## GPU kernels through ptxas"));

            Environment.SetEnvironmentVariable(Support.PtxasResources.PtxasVariable, previous);
            if (Support.PtxasResources.FindPtxas() is null) Assert.Ignore(Support.PtxasResources.InstallHint);
            md = RunKernelsSuite(folder["with"]);
            int kernels = ScratchVae.Kernels.Ilgpu.KernelCatalogue.Instantiations().Count();
            Assert.That(md, Does.Contain($"{kernels} kernels; assembled for sm_80 {kernels}, for sm_90 {kernels}; spills: none."));
            foreach (var (definition, kernel) in ScratchVae.Kernels.Ilgpu.KernelCatalogue.Instantiations())
                Assert.That(md, Does.Contain(Support.ExternalKernelCompilers.DisplayName(definition, kernel) + " "), "every kernel has its row");
            Assert.That(md, Does.Match(@"GemmKernels\.Tiled128<Single> \d+ registers, \d+ bytes shared, [2-9] groups per H100 SM"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Support.PtxasResources.PtxasVariable, previous);
        }
    }

    private static string RunKernelsSuite(string output)
    {
        var settings = ReportCommand.Settings(Flags.Parse(ReportCommand.Verb, ["--suites", "kernels", "--peers", "none", "--devices", "host", "--out", output], "bench"));
        var oldError = Console.Error;
        Console.SetError(new StringWriter());
        try
        {
            Assert.That(ReportRun.Execute(settings), Is.EqualTo(0));
        }
        finally
        {
            Console.SetError(oldError);
        }
        return File.ReadAllText(Path.Combine(output, "report.md"));
    }
}
