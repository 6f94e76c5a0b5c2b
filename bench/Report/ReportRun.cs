using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ScratchVae.Bench.Elementwise;
using ScratchVae.Bench.Gemm;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Bench.Report;

/// <summary>
/// One run of the report: finds the devices and peers, plans the measurements (each a step with an estimated time,
/// for the clock), runs them with ours and the peers alternating round by round, then writes report.md and the charts.
/// </summary>
public static class ReportRun
{
    private sealed record Step(string Label, double Estimate, Action Run);

    /// <summary>The runner names the report uses for our code on a device ("ScratchVae host").</summary>
    public static string Ours(string device) => $"ScratchVae {device}";

    /// <summary>Peer names as report.md lists them.</summary>
    public const string OpenBlas = "OpenBLAS (numpy)", PytorchCpu = "PyTorch CPU", PytorchCuda = "PyTorch CUDA", Cublas = "cuBLAS (PyTorch)";

    /// <summary>Measures and writes the report; returns the exit code (0, or 1 when nothing could be written).</summary>
    public static int Execute(ReportSettings settings)
    {
        var total = Stopwatch.StartNew();
        var cpu = CpuDescription.Detect();
        var results = new ReportResults { Cpu = cpu, Commit = Commit(), CommandLine = settings.CommandLine };
        Console.Error.WriteLine($"report: {cpu.Summary}, {cpu.LogicalProcessors} logical processors; probing devices and peers");
        DescribeMachine(results, settings);

        // Devices: host and what ILGPU finds; the CPU accelerator only when named.
        var measured = new List<string>();
        foreach (var device in Backends.List())
        {
            string description = DescribeDevice(device);
            string? reason = !device.Usable ? device.Reason
                : settings.Devices is not null && !settings.Devices.Contains(device.Name) ? "not requested (--devices)"
                : settings.Devices is null && device.Type == "ilgpu-cpu" ? "emulator, not an accelerator: ILGPU's CPU accelerator runs one OS thread per GPU thread to test the GPU kernels; its figures would say nothing of them (name it in --devices to measure it anyway)"
                : null;
            results.Devices.Add(new Participant(device.Name, description, reason));
            if (reason is null) measured.Add(device.Name);
        }
        foreach (string named in settings.Devices ?? [])
            if (!results.Devices.Any(d => d.Name == named))
                results.Devices.Add(new Participant(named, "", $"no such device (known: {string.Join(", ", Backends.List().Select(d => d.Name))})"));
        string? cudaDevice = measured.FirstOrDefault(d => d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal));
        bool host = measured.Contains("host");

        // Peers.
        var probe = PythonPeers.Probe(settings.Python, settings.PeerScripts);
        var (coreType, coreExplanation) = PythonPeers.ChooseOpenBlasCore(probe.OpenBlasAutomaticCore, cpu.CpuInfoFlags, Environment.GetEnvironmentVariable("OPENBLAS_PEER_CORETYPE"));
        var openBlasEnvironment = new Dictionary<string, string?> { ["OPENBLAS_CORETYPE"] = coreType, ["OPENBLAS_L2_SIZE"] = null, ["OPENBLAS_VERBOSE"] = null };
        var peers = new PythonPeers(settings.Python, settings.PeerScripts, settings.Threads, openBlasEnvironment);
        bool training = settings.Suites.Contains("mlp") || settings.Suites.Contains("conv");
        string? torchData = training ? PytorchDataFolder(settings.Data) : null;
        string? Reason(string peer, bool needed, string neededBy, string? problem)
            => !settings.Peers.Contains(peer) ? "not requested (--peers)" : !needed ? $"nothing to compare with in this run ({neededBy})" : problem;
        string? openBlasReason = Reason("openblas", host && settings.Suites.Contains("gemm"), "it runs beside our host GEMM", probe.OpenBlasProblem);
        results.Peers.Add(new Participant(OpenBlas, probe.NumPy is null ? "" : $"numpy {probe.NumPy}; {probe.NumPyBlas}; kernel {coreExplanation}; {settings.Threads} threads", openBlasReason));
        string? torchProblem = probe.Problem ?? (probe.Torch is null ? $"torch cannot be imported by {settings.Python}: {probe.TorchProblem}" : null);
        string? dataProblem = torchData is null && training ? $"no IDX folder for '{settings.Data}' that pytorch_vae.py can read (mnist is read from the repository's data/mnist)" : null;
        string? pytorchCpuReason = Reason("pytorch", host && training, "it trains beside our host", torchProblem ?? dataProblem);
        results.Peers.Add(new Participant(PytorchCpu, probe.Torch is null ? "" : $"torch {probe.Torch}, BLAS {probe.TorchBlas} (libblas.so.3 as for numpy; {(probe.NumPyRunsOpenBlas ? $"kernel {coreExplanation}" : $"not OpenBLAS: {probe.NumPyBlas}")}); {settings.Threads} threads", pytorchCpuReason));
        string? cudaProblem = torchProblem ?? (!probe.CudaAvailable ? "torch.cuda.is_available() is False" : null);
        string? pytorchCudaReason = Reason("pytorch", training, "it trains beside ours", cudaProblem ?? (cudaDevice is null ? "no CUDA device measured by ScratchVae to compare with" : dataProblem));
        results.Peers.Add(new Participant(PytorchCuda, probe.CudaAvailable ? $"torch {probe.Torch} on {probe.CudaDevice}, CUDA {probe.CudaVersion}, TF32 off" : "", pytorchCudaReason));
        string? cublasReason = Reason("cublas", settings.Suites.Contains("gemm"), "it runs beside our GEMM",
            torchProblem ?? (!probe.CudaAvailable ? "no CUDA device (torch.cuda.is_available() is False)" : cudaDevice is null ? "no CUDA device measured by ScratchVae to compare with" : null));
        results.Peers.Add(new Participant(Cublas, probe.CudaAvailable ? $"through torch {probe.Torch} on {probe.CudaDevice}, float32, TF32 off" : "", cublasReason));

        var steps = Plan(settings, results, measured, peers, cudaDevice, openBlasReason is null, cublasReason is null, pytorchCpuReason is null, pytorchCudaReason is null, torchData);
        var progress = new ReportProgress(steps.Select(s => s.Estimate).ToList(), Console.Error);
        foreach (var step in steps)
        {
            progress.Starting(step.Label);
            try
            {
                step.Run();
            }
            catch (PeerFailedException exception)
            {
                Fail(results, exception.Message);
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or IOException or DataFormatException or NonFiniteLossException)
            {
                results.Notes.Add($"{step.Label}: failed: {exception.Message}");
                Console.Error.WriteLine($"report: {step.Label}: {exception.Message}");
            }
            progress.Finished();
        }

        // A device without an FMA-peak kernel has its best GEMM as its ceiling.
        foreach (string device in measured.Where(d => d != "host"))
        {
            var best = results.Gemm.GetValueOrDefault(Ours(device))?.Values.Select(s => s.Median).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max() ?? double.NaN;
            if (!double.IsFinite(best)) continue;
            results.Peak[device] = new Samples();
            results.Peak[device].Values.Add(best);
            results.PeakSource[device] = "the best GEMM measured on it (no FMA-peak kernel for this device)";
        }
        results.MapLength = settings.MapLength;
        results.TotalSeconds = total.Elapsed.TotalSeconds;
        Directory.CreateDirectory(settings.Out);
        ReportCharts.WriteAll(results, measured, settings.Out);
        results.TotalSeconds = total.Elapsed.TotalSeconds;
        Tensors.AtomicFile.WriteText(Path.Combine(settings.Out, "report.md"), ReportMarkdown.Write(results, settings));
        Console.Error.WriteLine($"report: wrote {Path.Combine(settings.Out, "report.md")} and {results.Charts.Count} charts (PNG and SVG) in {ReportProgress.Format(results.TotalSeconds)}");
        return 0;
    }

    // A peer that fails mid-run: its entry becomes skipped with the message (its figures so far are dropped with it).
    private static void Fail(ReportResults results, string message)
    {
        Console.Error.WriteLine($"report: {message}");
        results.Notes.Add($"A peer failed: {message}");
    }

    private static List<Step> Plan(ReportSettings settings, ReportResults results, List<string> devices, PythonPeers peers, string? cudaDevice,
        bool openBlas, bool cublas, bool pytorchCpu, bool pytorchCuda, string? torchData)
    {
        var steps = new List<Step>();
        double seconds = settings.Seconds, mapSeconds = 0.6 * seconds;
        results.Shapes.AddRange(settings.Shapes);
        if (settings.Suites.Contains("gemm"))
        {
            foreach (string device in devices) results.GemmDevice[Ours(device)] = device;
            if (openBlas) results.GemmDevice[OpenBlas] = "host";
            if (cublas && cudaDevice is not null) results.GemmDevice[Cublas] = cudaDevice;
        }
        for (int round = 1; round <= settings.Rounds; round++)
        {
            string of = settings.Rounds > 1 ? $" (round {round}/{settings.Rounds})" : "";
            foreach (string device in devices)
            {
                if (settings.Suites.Contains("peak"))
                {
                    if (device == "host")
                        steps.Add(new Step($"FMA peak on host{of}", seconds + 0.1, () =>
                        {
                            results.PeakSource["host"] = $"FMA chains on {settings.Threads} threads (FmaPeak)";
                            Add(results.Peak, "host", FmaPeak.Measure(settings.Threads, Math.Max(0.2, seconds)));
                        }));
                    steps.Add(new Step($"bandwidth on {device}{of}", 0.5 + seconds, () =>
                    {
                        double value;
                        if (device == "host")
                        {
                            results.BandwidthSource[device] = $"triad a = b + s·c over 3 × {StreamBandwidth.DefaultLength * 4L >> 20} MiB float arrays, {settings.Threads} threads";
                            value = StreamBandwidth.HostTriad(settings.Threads, seconds);
                        }
                        else
                        {
                            using var backend = Backends.Create(device, settings.Threads);
                            results.BandwidthSource[device] = $"the backend's Copy of {StreamBandwidth.DefaultLength * 4L >> 20} MiB, synchronised";
                            value = StreamBandwidth.BackendCopy(backend, seconds);
                        }
                        Add(results.Bandwidth, device, value);
                    }));
                }
                if (settings.Suites.Contains("gemm"))
                    foreach (string text in settings.Shapes)
                        steps.Add(new Step($"gemm {text} on {device}{of}", seconds + 0.08, () =>
                        {
                            var shape = GemmShape.Parse(text);
                            using var runner = GemmRunners.Create(device, shape, settings.Threads);
                            var (median, _, _) = QuickGemm.Measure(runner, shape, seconds, settings.Threads);
                            ReportResults.At(results.Gemm, Ours(device), text).Values.Add(median);
                        }));
            }
            if (settings.Suites.Contains("gemm") && openBlas)
                steps.Add(new Step($"gemm, {settings.Shapes.Count} shapes, OpenBLAS{of}", settings.Shapes.Count * (seconds + 0.08) + 1, () =>
                {
                    foreach (var (shape, figures) in peers.OpenBlasGemm(settings.Shapes, seconds))
                        ReportResults.At(results.Gemm, OpenBlas, shape).Values.Add(figures.Median);
                }));
            if (settings.Suites.Contains("gemm") && cublas)
                steps.Add(new Step($"gemm, {settings.Shapes.Count} shapes, cuBLAS{of}", settings.Shapes.Count * (seconds + 0.1) + 5, () =>
                {
                    foreach (var (shape, figures) in peers.CublasGemm(settings.Shapes, seconds))
                        ReportResults.At(results.Gemm, Cublas, shape).Values.Add(figures.Median);
                }));
            if (settings.Suites.Contains("maps"))
                foreach (string device in devices)
                    steps.Add(new Step($"maps and sampling on {device}{of}", ElementwiseCase.Names.Length * (mapSeconds + 0.02), () => MeasureMaps(results, device, settings, mapSeconds)));
        }

        DataSplit? data = null;
        DataSplit Data()
        {
            data ??= DataSources.Load(settings.Data);
            return data;
        }
        if (settings.Suites.Contains("kernels"))
        {
            // Every GPU kernel's PTX through NVIDIA's assembler: it needs ptxas, not a GPU.
            string? ptxas = Tests.Support.PtxasResources.FindPtxas();
            if (ptxas is null) results.OtherSkips.Add(("GPU kernels through ptxas", Tests.Support.PtxasResources.InstallHint));
            else
            {
                int kernels = Kernels.Ilgpu.KernelCatalogue.Instantiations().Count();
                steps.Add(new Step($"{kernels} GPU kernels through ptxas (sm_80, sm_90)", 0.12 * kernels * 2, () =>
                {
                    using var resources = new Tests.Support.PtxasResources(ptxas);
                    var rows = resources.All();
                    results.KernelTable = resources.Table(rows);
                    var assembled = Tests.Support.PtxasResources.Assembled(rows);
                    var spilling = assembled.Where(r => r.SpillStoreBytes + r.SpillLoadBytes > 0).Select(r => $"{r.Kernel} {r.Target}").ToList();
                    var gemm = rows.Where(row => row.Definition == Kernels.Ilgpu.KernelCatalogue.GemmTiled || row.Definition == Kernels.Ilgpu.KernelCatalogue.GemmTiled128)
                        .Select(row => (row.Definition, Report: row.Reports[1])).Where(entry => entry.Report.Registers is not null)
                        .Select(entry =>
                        {
                            int groups = Tests.Support.H100.Estimate(entry.Report.Registers!.Value, entry.Report.SharedBytes, entry.Definition.ThreadsPerGroup).GroupsPerSm;
                            return $"{entry.Report.Kernel} {entry.Report.Registers} registers, {entry.Report.SharedBytes} bytes shared, {groups} group{(groups == 1 ? "" : "s")} per H100 SM";
                        });
                    results.KernelSummary = $"{rows.Length} kernels; assembled for sm_80 {assembled.Count(r => r.Target == "sm_80")}, for sm_90 {assembled.Count(r => r.Target == "sm_90")}; "
                        + $"spills: {(spilling.Count == 0 ? "none" : string.Join(", ", spilling))}. Tiled GEMM (sm_90): {string.Join("; ", gemm)}.";
                }));
            }
        }
        foreach (string architecture in new[] { "mlp", "conv" }.Where(settings.Suites.Contains))
        {
            int? limit = architecture == "conv" ? settings.ConvLimit : settings.Limit;
            // Seconds per image of an epoch on 2 cores of the development machine (docs/benchmarks.md), for the clock only.
            double ours = architecture == "conv" ? 17.0 / 60_000 : 2.6 / 60_000, theirs = architecture == "conv" ? 35.0 / 60_000 : 14.0 / 60_000;
            double images = Math.Min(limit ?? 60_000, 60_000) * (settings.Epochs + 1) * 1.15 * 2 / Math.Max(1, settings.Threads);
            for (int round = 1; round <= settings.EpochRounds; round++)
            {
                string of = settings.EpochRounds > 1 ? $" (round {round}/{settings.EpochRounds})" : "";
                foreach (string device in devices)
                {
                    double speed = device == "host" ? 1 : device.StartsWith("ilgpu-cpu", StringComparison.Ordinal) ? 50 : 0.2;
                    steps.Add(new Step($"{architecture} epoch on {device}{of}", images * ours * speed + 1, () => TrainOurs(results, architecture, device, settings, limit, Data())));
                    string? peer = device == "host" && pytorchCpu ? "cpu" : device == cudaDevice && pytorchCuda ? "cuda" : null;
                    if (peer is null || torchData is null) continue;
                    string name = peer == "cpu" ? PytorchCpu : PytorchCuda;
                    steps.Add(new Step($"{architecture} epoch, {name}{of}", images * theirs * (peer == "cpu" ? 1 : 0.1) + 3, () =>
                    {
                        int fullSet = Data().Train.Count, used = Math.Min(limit ?? fullSet, fullSet);
                        var epochs = peers.PytorchEpochs(architecture, peer, torchData, settings.Epochs + 1, limit);
                        if (epochs.Count < 2) throw new PeerFailedException($"pytorch_vae.py printed {epochs.Count} epoch lines, expected {settings.Epochs + 1}");
                        var samples = EpochEntry(results, architecture, name, fullSet, used, 128);
                        double scale = Scale(fullSet, used, 128);
                        foreach (double s in epochs.Skip(1)) samples.Seconds.Values.Add(s * scale);
                    }));
                }
            }
        }
        return steps;
    }

    private static void Add(Dictionary<string, Samples> table, string device, double value)
    {
        if (!table.TryGetValue(device, out var samples)) table[device] = samples = new Samples();
        samples.Values.Add(value);
    }

    /// <summary>Steps of a full epoch over steps of the timed part: what a timed part's seconds are multiplied by.</summary>
    public static double Scale(int imagesPerEpoch, int imagesTrained, int batch) => Math.Ceiling((double)imagesPerEpoch / batch) / Math.Ceiling((double)imagesTrained / batch);

    private static EpochSamples EpochEntry(ReportResults results, string architecture, string runner, int fullSet, int used, int batch)
    {
        if (!results.Epochs.TryGetValue(architecture, out var table)) results.Epochs[architecture] = table = [];
        if (!table.TryGetValue(runner, out var samples)) table[runner] = samples = new EpochSamples();
        samples.ImagesPerEpoch = fullSet;
        samples.ImagesTrained = used;
        samples.BatchSize = batch;
        return samples;
    }

    private sealed class StepClock : ITrainingProgress
    {
        public readonly List<double> Steps = [];
        private long _last = Stopwatch.GetTimestamp();
        public bool Recording;

        public void Report(int epoch, int done, int total, TimeSpan elapsed)
        {
        }

        public void StepCompleted(int step, double lossPerExample)
        {
            long now = Stopwatch.GetTimestamp();
            if (Recording) Steps.Add((double)(now - _last) / Stopwatch.Frequency);
            _last = now;
        }

        public void Restart() => _last = Stopwatch.GetTimestamp();
    }

    private static void TrainOurs(ReportResults results, string architecture, string deviceName, ReportSettings settings, int? limit, DataSplit full)
    {
        var data = limit is int n ? full with { Train = full.Train.Take(n), Test = full.Test.Take(n) } : full;
        var model = new VaeOptions { Architecture = architecture == "conv" ? ScratchVae.Vae.Model.Architecture.Conv : ScratchVae.Vae.Model.Architecture.Mlp };
        var options = new TrainOptions { Data = settings.Data, Epochs = settings.Epochs + 1, Device = deviceName, Threads = settings.Threads, Limit = limit };
        var device = Device.Open(deviceName, deviceName == "host" ? settings.Threads : null);
        using var trainer = new Trainer(model, options, data, device);
        var clock = new StepClock();
        var samples = EpochEntry(results, architecture, Ours(deviceName), full.Train.Count, data.Train.Count, options.BatchSize);
        double scale = Scale(full.Train.Count, data.Train.Count, options.BatchSize);
        for (int epoch = 0; epoch <= settings.Epochs; epoch++)
        {
            // Epoch 1 is warm-up (compilation, buffers), as in bench/vae-vs-pytorch.sh.
            clock.Recording = epoch > 0;
            clock.Restart();
            var metrics = trainer.RunEpoch(clock) ?? throw new InvalidOperationException("training stopped");
            if (epoch > 0) samples.Seconds.Values.Add(metrics.Seconds * scale);
        }
        samples.StepSeconds.AddRange(clock.Steps);
    }

    private static void MeasureMaps(ReportResults results, string device, ReportSettings settings, double seconds)
    {
        using var backend = Backends.Create(device, settings.Threads);
        foreach (string primitive in ElementwiseCase.Names)
        {
            using var benchmark = new ElementwiseCase(backend, primitive, settings.MapLength);
            benchmark.Run();
            var clock = Stopwatch.StartNew();
            var perRun = new List<double>();
            while (perRun.Count < 5 || clock.Elapsed.TotalSeconds < seconds)
            {
                // Batches of about 2 ms, so that a timer tick is small beside them.
                int batch = perRun.Count == 0 ? 1 : Math.Max(1, (int)(0.002 / Math.Max(perRun[^1], 1e-9)));
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < batch; i++) benchmark.Run();
                perRun.Add(Stopwatch.GetElapsedTime(start).TotalSeconds / batch);
            }
            double median = Samples.MedianOf(perRun);
            results.MapBytesPerElement[primitive] = (double)benchmark.BytesMoved / settings.MapLength;
            ReportResults.At(results.Maps, device, primitive).Values.Add(benchmark.BytesMoved / median / 1e9);
        }
    }

    private static string DescribeDevice(DeviceInfo device)
    {
        string memory = device.MemoryBytes > 0 ? $"{device.MemoryBytes / (double)(1L << 30):F1} GiB" : "";
        string driver = device.Type == "cuda" && device.Usable ? CudaDriver() : "";
        return string.Join("; ", new[] { device.Description, memory.Length > 0 ? $"memory {memory}" : "", driver }.Where(s => s.Length > 0));
    }

    private static string CudaDriver()
    {
        var result = ProcessRunner.Run("nvidia-smi", ["--query-gpu=driver_version", "--format=csv,noheader"], null, TimeSpan.FromSeconds(20));
        return result.ExitCode == 0 ? $"driver {result.Output.Split('\n')[0].Trim()}" : "driver unknown (nvidia-smi did not run)";
    }

    private static void DescribeMachine(ReportResults results, ReportSettings settings)
    {
        var cpu = results.Cpu;
        results.MachineLines.Add(("processor", cpu.Summary));
        results.MachineLines.Add(("instruction sets", string.Join(", ", cpu.Isa)));
        results.MachineLines.Add(("logical processors", $"{cpu.LogicalProcessors} (threads used: {settings.Threads})"));
        results.MachineLines.Add(("host GEMM planner's machine", Kernels.Host.MachineProperties.Current.ToString()));
        results.MachineLines.Add(("memory", $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30):F1} GiB available to .NET"));
        results.MachineLines.Add(("operating system", RuntimeInformation.OSDescription));
        results.MachineLines.Add((".NET", RuntimeInformation.FrameworkDescription));
        if (File.Exists("/proc/loadavg")) results.MachineLines.Add(("load average at the start", string.Join(" ", SafeRead("/proc/loadavg").Split(' ').Take(3))));
        results.MachineLines.Add(("peers' Python", settings.Python));
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    // pytorch_vae.py reads IDX folders: Debian's Fashion-MNIST, the repository's data/mnist, or the folder named.
    private static string? PytorchDataFolder(string data)
    {
        if (data == "fashion-mnist") return Directory.Exists(DataSources.FashionMnistFolder) ? DataSources.FashionMnistFolder : null;
        if (data != "mnist") return Directory.Exists(data) ? Path.GetFullPath(data) : null;
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "data", "mnist", "train-images-idx3-ubyte.gz"))) return Path.Combine(folder.FullName, "data", "mnist");
        return null;
    }

    private static string Commit()
    {
        var head = ProcessRunner.Run("git", ["rev-parse", "--short=12", "HEAD"], null, TimeSpan.FromSeconds(20));
        if (head.ExitCode != 0) return "unknown";
        var status = ProcessRunner.Run("git", ["status", "--porcelain", "--untracked-files=no"], null, TimeSpan.FromSeconds(20));
        return head.Output.Trim() + (status.ExitCode == 0 && status.Output.Trim().Length > 0 ? " (with uncommitted changes)" : "");
    }
}
