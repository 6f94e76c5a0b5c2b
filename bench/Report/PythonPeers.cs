using System.Globalization;
using System.Text.Json;

namespace ScratchVae.Bench.Report;

/// <summary>What the probe of the Python peers found (bench/peers/describe_peers.py).</summary>
/// <param name="Python">The interpreter.</param>
/// <param name="Problem">Why the interpreter itself could not be used, or null.</param>
/// <param name="NumPy">numpy's version, or null.</param>
/// <param name="NumPyBlas">The BLAS numpy runs on.</param>
/// <param name="NumPyProblem">Why numpy could not be imported.</param>
/// <param name="Torch">PyTorch's version, or null.</param>
/// <param name="TorchBlas">PyTorch's BLAS_INFO.</param>
/// <param name="TorchProblem">Why torch could not be imported.</param>
/// <param name="CudaAvailable">torch.cuda.is_available().</param>
/// <param name="CudaDevice">torch.cuda.get_device_name(0) where CUDA is available.</param>
/// <param name="CudaVersion">torch.version.cuda.</param>
/// <param name="OpenBlasAutomaticCore">The kernel OpenBLAS picks by itself (its "Core:" line with OPENBLAS_VERBOSE=2), or null.</param>
public sealed record PeerProbe(string Python, string? Problem, string? NumPy, string? NumPyBlas, string? NumPyProblem, string? Torch, string? TorchBlas,
    string? TorchProblem, bool CudaAvailable, string? CudaDevice, string? CudaVersion, string? OpenBlasAutomaticCore)
{
    /// <summary>A probe of an interpreter that could not run: every peer is absent for <paramref name="problem"/>.</summary>
    public static PeerProbe Unavailable(string python, string problem) => new(python, problem, null, null, null, null, null, null, false, null, null, null);

    /// <summary>
    /// True when numpy's BLAS is OpenBLAS: threadpoolctl names it, or Debian's libblas.so.3 alternative points into an
    /// openblas folder. Debian's python3-numpy alone brings the reference BLAS (/usr/lib/x86_64-linux-gnu/blas/), 30–70×
    /// slower, which must not be timed under OpenBLAS's name.
    /// </summary>
    public bool NumPyRunsOpenBlas => NumPyBlas?.Contains("openblas", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Why the OpenBLAS peer cannot run on this numpy (not importable, or another BLAS), or null.</summary>
    public string? OpenBlasProblem => Problem
        ?? (NumPy is null ? $"numpy cannot be imported by {Python}: {NumPyProblem}"
            : !NumPyRunsOpenBlas ? $"numpy's BLAS is not OpenBLAS ({NumPyBlas}); on Debian, apt-get install libopenblas0-pthread"
            : null);
}

/// <summary>
/// The Python peers: OpenBLAS sgemm through numpy (openblas_gemm.py), cuBLAS through PyTorch (cublas_gemm.py) and
/// PyTorch's VAE (pytorch_vae.py), the scripts of bench/peers copied beside the bench program. They run with
/// /usr/bin/python3 (Debian's python3-torch and numpy live there) unless PYTHON or --python names another.
/// </summary>
public sealed class PythonPeers(string python, string scriptFolder, int threads, IReadOnlyDictionary<string, string?> openBlasEnvironment)
{
    /// <summary>The interpreter used when neither --python nor PYTHON says otherwise.</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>Where the peer scripts are: peers/ beside the bench program (the build copies them there).</summary>
    public static string DefaultScriptFolder => Path.Combine(AppContext.BaseDirectory, "peers");

    /// <summary>The interpreter.</summary>
    public string Python { get; } = python;

    /// <summary>The environment every OpenBLAS peer runs with (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset or chosen).</summary>
    public IReadOnlyDictionary<string, string?> OpenBlasEnvironment { get; } = openBlasEnvironment;

    /// <summary>Runs describe_peers.py; a missing interpreter or script gives a probe that says so.</summary>
    public static PeerProbe Probe(string python, string scriptFolder)
    {
        string script = Path.Combine(scriptFolder, "describe_peers.py");
        if (!File.Exists(script)) return PeerProbe.Unavailable(python, $"{script} is missing");
        if (python.Contains('/') && !File.Exists(python)) return PeerProbe.Unavailable(python, $"{python} does not exist (set PYTHON or --python)");
        var environment = new Dictionary<string, string?> { ["OPENBLAS_CORETYPE"] = null, ["OPENBLAS_L2_SIZE"] = null, ["OPENBLAS_VERBOSE"] = "2" };
        var result = ProcessRunner.Run(python, [script], environment, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0) return PeerProbe.Unavailable(python, $"{python} {Path.GetFileName(script)} failed: {result.LastLine}");
        string? core = result.Error.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Core:", StringComparison.Ordinal))?["Core:".Length..].Trim();
        try
        {
            using var document = JsonDocument.Parse(result.Output.Trim().Split('\n').Last());
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) ? value.ToString() : null;
            bool cuda = root.TryGetProperty("cuda_available", out var c) && c.ValueKind == JsonValueKind.True;
            return new PeerProbe(python, null, Text("numpy"), Text("numpy_blas"), Text("numpy_error"), Text("torch"), Text("torch_blas"), Text("torch_error"),
                cuda, Text("cuda_device"), Text("cuda_version"), string.IsNullOrEmpty(core) ? null : core);
        }
        catch (JsonException)
        {
            return PeerProbe.Unavailable(python, $"{Path.GetFileName(script)} printed no JSON: {result.LastLine}");
        }
    }

    /// <summary>
    /// The OpenBLAS kernel the peers run, as bench/peers/openblas-kernel.sh chooses it: OpenBLAS's automatic choice,
    /// unless that is a generic fallback for a processor it does not know (Prescott, Nehalem, …, or nothing), in which
    /// case SkylakeX on a processor with AVX-512F and AVX-512BW, Haswell on one with AVX2 and FMA.
    /// <paramref name="overrideValue"/> is OPENBLAS_PEER_CORETYPE (null when unset; empty means OpenBLAS's own choice).
    /// Returns the OPENBLAS_CORETYPE to set (null: none) and a sentence saying what was chosen and why.
    /// </summary>
    public static (string? CoreType, string Explanation) ChooseOpenBlasCore(string? automatic, IReadOnlySet<string> cpuFlags, string? overrideValue)
    {
        if (overrideValue is not null)
            return (overrideValue.Length == 0 ? null : overrideValue, $"{(overrideValue.Length == 0 ? "automatic" : overrideValue)} (OPENBLAS_PEER_CORETYPE)");
        string[] fallbacks = ["Prescott", "Katmai", "Coppermine", "Northwood", "Banias", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom"];
        if (string.IsNullOrEmpty(automatic) || fallbacks.Contains(automatic))
        {
            string? chosen = cpuFlags.Contains("avx512f") && cpuFlags.Contains("avx512bw") ? "SkylakeX"
                : cpuFlags.Contains("avx2") && cpuFlags.Contains("fma") ? "Haswell" : null;
            if (chosen is not null) return (chosen, $"{chosen} (its automatic choice on this processor is the generic '{(string.IsNullOrEmpty(automatic) ? "unknown" : automatic)}')");
        }
        return (null, $"{(string.IsNullOrEmpty(automatic) ? "unknown" : automatic)} (OpenBLAS's automatic choice)");
    }

    /// <summary>One round of openblas_gemm.py over <paramref name="shapes"/>: shape → median GFLOP/s, best batch, CPU-time rate.</summary>
    public Dictionary<string, (double Median, double Best, double Cpu)> OpenBlasGemm(IReadOnlyList<string> shapes, double seconds)
    {
        var environment = new Dictionary<string, string?>(OpenBlasEnvironment) { ["OPENBLAS_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture) };
        var result = ProcessRunner.Run(Python, [Path.Combine(scriptFolder, "openblas_gemm.py"), "--csv", "--seconds", Invariant(seconds), .. shapes], environment, TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0) throw new PeerFailedException($"openblas_gemm.py: {result.LastLine}");
        var table = new Dictionary<string, (double, double, double)>();
        foreach (string line in result.Output.Split('\n').Skip(1))
        {
            string[] fields = line.Trim().Split(',');
            if (fields.Length < 4) continue;
            table[fields[0]] = (Parse(fields[1]), Parse(fields[2]), Parse(fields[3]));
        }
        return table;
    }

    /// <summary>One round of cublas_gemm.py: shape → median GFLOP/s (a call and a synchronisation each), best batch, back-to-back rate from CUDA events.</summary>
    public Dictionary<string, (double Median, double Best, double Events)> CublasGemm(IReadOnlyList<string> shapes, double seconds)
    {
        var result = ProcessRunner.Run(Python, [Path.Combine(scriptFolder, "cublas_gemm.py"), "--seconds", Invariant(seconds), .. shapes], null, TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0) throw new PeerFailedException($"cublas_gemm.py: {result.LastLine}");
        var table = new Dictionary<string, (double, double, double)>();
        foreach (string line in result.Output.Split('\n').Skip(2))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || !fields[0].Contains('x')) continue;
            table[fields[0]] = (Parse(fields[1]), Parse(fields[2]), Parse(fields[3]));
        }
        return table;
    }

    /// <summary>
    /// Trains PyTorch's VAE (pytorch_vae.py) for <paramref name="epochs"/> epochs and returns every epoch's training
    /// seconds. On the CPU the conv model runs with OPENBLAS_NUM_THREADS=1 beside PyTorch's own threads, as
    /// bench/vae-vs-pytorch.sh does (its fastest setting on 2 cores).
    /// </summary>
    public List<double> PytorchEpochs(string architecture, string device, string dataFolder, int epochs, int? limit)
    {
        var environment = new Dictionary<string, string?>(OpenBlasEnvironment);
        if (architecture == "conv" && device == "cpu") environment["OPENBLAS_NUM_THREADS"] = "1";
        List<string> arguments = [Path.Combine(scriptFolder, "pytorch_vae.py"), "--data", dataFolder, "--architecture", architecture, "--epochs", Invariant(epochs),
            "--threads", Invariant(threads), "--device", device];
        if (limit is int n) arguments.AddRange(["--limit", Invariant(n)]);
        var result = ProcessRunner.Run(Python, arguments, environment, TimeSpan.FromHours(2));
        if (result.ExitCode != 0) throw new PeerFailedException($"pytorch_vae.py: {result.LastLine}");
        return EpochSeconds(result.Output);
    }

    /// <summary>The "seconds S" of every "epoch N … seconds S" line (the format of scratchvae train and pytorch_vae.py).</summary>
    public static List<double> EpochSeconds(string output)
    {
        var seconds = new List<double>();
        foreach (string line in output.Split('\n'))
        {
            string[] words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 4 && words[0] == "epoch" && words[^2] == "seconds") seconds.Add(Parse(words[^1]));
        }
        return seconds;
    }

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A peer that was present but failed while measuring; the report lists it with the message.</summary>
public sealed class PeerFailedException(string message) : Exception(message);
