using System.Numerics;
using System.Text.Json;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd.Optimizers;

/// <summary>
/// Every optimizer, schedule and the global-norm clipping against 10 steps of torch.optim, torch.optim.lr_scheduler
/// and torch.nn.utils.clip_grad_norm_ recorded in golden/optim_golden.json (made by golden/make_optim_golden.py with
/// PyTorch 1.13 in float64), on every device, in float64 and float32.
/// </summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class OptimizerGoldenTests(string deviceName)
{
    // float64: the same formulas as PyTorch's, in another order of operations (e.g. the norm as one sum of squares
    // rather than a norm of per-tensor norms), so values agree to a few ulps per step (measured: 2.8e-15 relative at worst); 1e-13 leaves room.
    private const double Float64Tolerance = 1e-13;
    // float32: the state is rounded to 24 bits every step (PyTorch's float64 reference is not), and the "sgd"
    // cases move parameters by up to lr · 100 per step; 10 steps of such rounding stayed below 2.5e-6 relative (measured on host and ilgpu-cpu).
    private const double Float32Tolerance = 1e-5;

    // The schedules: the closed form against PyTorch's recursive products, a few ulps apart after 10 steps.
    private const double LearningRateTolerance = 1e-13;

    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    public sealed record GoldenCase(JsonElement Json)
    {
        public string Name => Json.GetProperty("name").GetString()!;
        public override string ToString() => Name;
    }

    internal static IReadOnlyList<GoldenCase> Cases()
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "golden", "optim_golden.json");
        var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new GoldenCase(c)).ToList();
    }

    private static IEnumerable<TestCaseData> CaseData() => Cases().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    private static double[] Values(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>The optimizer a golden case names, over <paramref name="parameters"/>, with its schedule.</summary>
    internal static Optimizer<T> Create<T>(JsonElement json, IReadOnlyList<NamedParameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var h = json.GetProperty("hyper");
        double Get(string name) => h.GetProperty(name).GetDouble();
        Optimizer<T> optimizer = json.GetProperty("optimizer").GetString() switch
        {
            "sgd" => new Sgd<T>(parameters, Get("lr"), Get("momentum"), Get("dampening"), Get("weight_decay"), h.GetProperty("nesterov").GetBoolean()),
            "adam" => new Adam<T>(parameters, Get("lr"), Get("beta1"), Get("beta2"), Get("eps"), Get("weight_decay")),
            "adamw" => new AdamW<T>(parameters, Get("lr"), Get("beta1"), Get("beta2"), Get("eps"), Get("weight_decay")),
            var other => throw new InvalidOperationException($"unknown optimizer {other}"),
        };
        if (json.TryGetProperty("schedule", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            optimizer.Schedule = s.GetProperty("kind").GetString() switch
            {
                "step" => new StepDecay(s.GetProperty("step_size").GetInt32(), s.GetProperty("gamma").GetDouble()),
                "cosine" => new CosineAnnealing(s.GetProperty("total_steps").GetInt32(), s.GetProperty("minimum").GetDouble()),
                "warmup" => new LinearWarmup(s.GetProperty("warmup_steps").GetInt32(), s.GetProperty("start_factor").GetDouble()),
                "warmup_cosine" => new WarmupThen(
                    new LinearWarmup(s.GetProperty("warmup_steps").GetInt32(), s.GetProperty("start_factor").GetDouble()),
                    new CosineAnnealing(s.GetProperty("total_steps").GetInt32() - s.GetProperty("warmup_steps").GetInt32(), s.GetProperty("minimum").GetDouble())),
                var other => throw new InvalidOperationException($"unknown schedule {other}"),
            };
        }
        return optimizer;
    }

    /// <summary>The case's parameters at their initial values, named "p0", "p1".</summary>
    internal static List<Parameter<T>> Parameters<T>(JsonElement json, Device device) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shapes = json.GetProperty("shapes").EnumerateArray().Select(s => new Shape(s.EnumerateArray().Select(d => d.GetInt32()).ToArray())).ToArray();
        var initial = json.GetProperty("initial").EnumerateArray().Select(Values).ToArray();
        return shapes.Select((shape, k) => new Parameter<T>(Tensor<T>.FromArray(initial[k].Select(T.CreateChecked).ToArray(), shape, device), $"p{k}")).ToList();
    }

    /// <summary>Sets every parameter's gradient to the recorded one of <paramref name="step"/> (0-based) through a backward pass of L = Σ θ ⊙ g.</summary>
    internal static void SetGradients<T>(JsonElement json, int step, IReadOnlyList<Parameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gradients = json.GetProperty("gradients")[step].EnumerateArray().Select(Values).ToArray();
        using var tape = new Tape();
        Var<T>? loss = null;
        var constants = new List<Tensor<T>>();
        for (int k = 0; k < parameters.Count; k++)
        {
            var g = Tensor<T>.FromArray(gradients[k].Select(T.CreateChecked).ToArray(), parameters[k].Shape, parameters[k].Device);
            constants.Add(g);
            var term = Ops.Sum(parameters[k] * Var<T>.Constant(g));
            loss = loss is null ? term : loss + term;
        }
        foreach (var p in parameters) p.ZeroGradient();
        loss!.Backward();
        foreach (var g in constants) g.Dispose();
    }

    [TestCaseSource(nameof(CaseData))]
    public void Float64MatchesTorchForTenSteps(GoldenCase golden) => Replay<double>(golden.Json, Float64Tolerance);

    [TestCaseSource(nameof(CaseData))]
    public void Float32MatchesTorchForTenSteps(GoldenCase golden) => Replay<float>(golden.Json, Float32Tolerance);

    private void Replay<T>(JsonElement json, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = Parameters<T>(json, _device);
        try
        {
            using var optimizer = Create(json, parameters.Named());
            var expected = json.GetProperty("parameters");
            var rates = Values(json.GetProperty("learning_rates"));
            double? maxNorm = json.TryGetProperty("max_norm", out var m) ? m.GetDouble() : null;
            double[] norms = json.TryGetProperty("norms", out var n) ? Values(n) : [];
            double worst = 0;
            for (int step = 0; step < rates.Length; step++)
            {
                SetGradients(json, step, parameters);
                if (maxNorm is double max)
                {
                    double norm = optimizer.ClipGradientNorm(max);
                    Assert.That(norm, Is.EqualTo(norms[step]).Within(tolerance * norms[step]), $"step {step + 1}: the global norm");
                }
                optimizer.Step();
                Assert.That(optimizer.StepCount, Is.EqualTo(step + 1));
                // Closed forms here, PyTorch's chainable (recursive) forms there: they agree to rounding.
                Assert.That(optimizer.LearningRate, Is.EqualTo(rates[step]).Within(LearningRateTolerance * rates[step] + 1e-300), $"step {step + 1}: the learning rate");
                var want = expected[step].EnumerateArray().Select(Values).ToArray();
                for (int k = 0; k < parameters.Count; k++)
                {
                    var actual = parameters[k].Value.ToArray();
                    for (int i = 0; i < actual.Length; i++)
                    {
                        double error = Math.Abs(double.CreateChecked(actual[i]) - want[k][i]);
                        worst = Math.Max(worst, error / Math.Max(1, Math.Abs(want[k][i])));
                        Assert.That(error, Is.LessThanOrEqualTo(tolerance * Math.Max(1, Math.Abs(want[k][i]))),
                            $"step {step + 1}, p{k}[{i}]: {actual[i]} against torch {want[k][i]}");
                    }
                }
            }
            TestContext.Out.WriteLine($"{Tensor<T>.DType} on {_device.Name}: largest error relative to max(1, |torch|) over 10 steps {worst:G3}");
        }
        finally
        {
            foreach (var p in parameters) p.Dispose();
        }
    }
}
