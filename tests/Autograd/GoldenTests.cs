using System.Text.Json;
using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

/// <summary>
/// Every operation against PyTorch: golden/autograd_golden.json (written by golden/make_golden.py with torch 1.13,
/// float64) holds inputs, outputs, a seed gradient and the resulting input gradients; each case is rebuilt here
/// from its "op" and "params" and must agree in float64.
/// </summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class GoldenTests(string deviceName)
{
    /// <summary>
    /// Both sides compute in float64 with different operation orders (GEMM blocking, sums, exp/log libraries),
    /// so they agree to ~1e-15 relative; 1e-9 leaves room while still catching any wrong formula or factor.
    /// </summary>
    private const double RelativeTolerance = 1e-9;

    /// <summary>Values that are exactly 0 in PyTorch (relu's zero gradients) may differ by rounding only.</summary>
    private const double AbsoluteFloor = 1e-14;

    private static readonly Lazy<JsonElement[]> Cases = new(LoadCases);
    private static readonly Dictionary<string, double> WorstRelative = new();
    private Device _device = null!;

    private static JsonElement[] LoadCases()
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "golden", "autograd_golden.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    private static IEnumerable<TestCaseData> CaseNames() => Cases.Value.Select(c => c.GetProperty("name").GetString()!).Select(n => new TestCaseData(n).SetArgDisplayNames(n));

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    [OneTimeTearDown]
    public void Report()
    {
        lock (WorstRelative)
        {
            if (WorstRelative.Count == 0) return;
            var worst = WorstRelative.MaxBy(pair => pair.Value);
            TestContext.Progress.WriteLine($"[{deviceName}] {WorstRelative.Count} golden cases match PyTorch; worst relative error {worst.Value:G3} ({worst.Key}).");
            WorstRelative.Clear();
        }
    }

    [Test]
    public void GoldenFileCoversEveryOperation()
    {
        var ops = Cases.Value.Select(c => c.GetProperty("op").GetString()).ToHashSet();
        string[] expected =
        [
            "matmul", "add", "subtract", "multiply", "divide", "negate", "exp", "log", "relu", "sigmoid", "tanh", "softplus", "elu",
            "square", "sqrt", "affine", "sum", "mean", "logsumexp", "reshape", "slice", "concatenate", "bias-activation",
            "bernoulli", "gaussian", "gaussian-fixed", "kl", "reparameterize", "tiny-vae",
        ];
        Assert.That(ops, Is.EquivalentTo(expected));
    }

    [TestCaseSource(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var golden = Cases.Value.Single(c => c.GetProperty("name").GetString() == name);
        string op = golden.GetProperty("op").GetString()!;
        var parameters = golden.GetProperty("params");
        var inputs = golden.GetProperty("inputs").EnumerateArray().ToArray();
        var gradients = golden.GetProperty("gradients").EnumerateArray().ToArray();
        var leaves = new List<Parameter<double>>();
        double worst = 0;
        try
        {
            using var tape = new Tape();
            var vars = new Var<double>[inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                var tensor = ReadTensor(inputs[k]);
                if (inputs[k].GetProperty("requires_grad").GetBoolean())
                {
                    var parameter = new Parameter<double>(tensor, $"input {k}");
                    leaves.Add(parameter);
                    vars[k] = parameter;
                }
                else
                {
                    vars[k] = Var<double>.Constant(tensor, takeOwnership: true);
                }
            }
            var output = Apply(op, parameters, vars);
            worst = Math.Max(worst, Compare(output.Value, golden.GetProperty("output"), $"{name}: output"));

            using var seed = ReadTensor(golden.GetProperty("seed"));
            output.Backward(seed);
            for (int k = 0; k < inputs.Length; k++)
            {
                if (gradients[k].ValueKind == JsonValueKind.Null) continue;
                var gradient = vars[k].Gradient;
                Assert.That(gradient, Is.Not.Null, $"{name}: input {k} received no gradient");
                worst = Math.Max(worst, Compare(gradient!, gradients[k], $"{name}: gradient of input {k}"));
            }
        }
        finally
        {
            foreach (var leaf in leaves) leaf.Dispose();
        }
        lock (WorstRelative) WorstRelative[name] = worst;
        TestContext.Out.WriteLine($"{name}: worst relative error {worst:G3}");
    }

    private static Var<double> Apply(string op, JsonElement p, IReadOnlyList<Var<double>> v)
    {
        double Number(string key) => p.GetProperty(key).GetDouble();
        bool Flag(string key) => p.TryGetProperty(key, out var value) && value.GetBoolean();
        double Scale(Var<double> x, out Var<double> scaled)
        {
            double scale = p.TryGetProperty("scale", out var value) ? value.GetDouble() : 1.0;
            scaled = scale == 1.0 ? x : x * scale;
            return scale;
        }
        switch (op)
        {
            case "matmul": return Ops.MatMul(v[0], v[1], Flag("transposeA"), Flag("transposeB"));
            case "add": return v[0] + v[1];
            case "subtract": return v[0] - v[1];
            case "multiply": return v[0] * v[1];
            case "divide": return v[0] / v[1];
            case "negate": return -v[0];
            case "exp": return Ops.Exp(v[0]);
            case "log": return Ops.Log(v[0]);
            case "relu": return Ops.Relu(v[0]);
            case "sigmoid": return Ops.Sigmoid(v[0]);
            case "tanh": return Ops.Tanh(v[0]);
            case "softplus": return Ops.Softplus(v[0]);
            case "elu": return Ops.Elu(v[0]);
            case "square": return Ops.Square(v[0]);
            case "sqrt": return Ops.Sqrt(v[0]);
            case "affine": return Ops.Affine(v[0], Number("scale"), Number("shift"));
            case "sum":
            case "mean":
            {
                var axis = p.GetProperty("axis");
                if (axis.ValueKind == JsonValueKind.Null) return op == "sum" ? Ops.Sum(v[0]) : Ops.Mean(v[0]);
                return op == "sum" ? Ops.Sum(v[0], axis.GetInt32(), Flag("keep")) : Ops.Mean(v[0], axis.GetInt32(), Flag("keep"));
            }
            case "logsumexp":
                Scale(v[0], out var scores);
                return Ops.LogSumExpColumns(scores);
            case "reshape": return Ops.Reshape(v[0], new Shape(p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray()));
            case "slice": return Ops.SliceColumns(v[0], p.GetProperty("start").GetInt32(), p.GetProperty("count").GetInt32());
            case "concatenate": return Ops.ConcatenateColumns(v[0], v[1], v[0]);
            case "bias-activation":
                return p.GetProperty("activation").GetString() switch
                {
                    "relu" => Ops.AddBiasActivation<double, ReluOperator>(v[0], v[1]),
                    "sigmoid" => Ops.AddBiasActivation<double, SigmoidOperator>(v[0], v[1]),
                    "tanh" => Ops.AddBiasActivation<double, TanhOperator>(v[0], v[1]),
                    "softplus" => Ops.AddBiasActivation<double, SoftplusOperator>(v[0], v[1]),
                    "elu" => Ops.AddBiasActivation<double, EluOperator>(v[0], v[1]),
                    "identity" => Ops.AddBiasActivation<double, IdentityOperator>(v[0], v[1]),
                    var other => throw new InvalidDataException($"Unknown activation '{other}' in the golden file."),
                };
            case "bernoulli":
                Scale(v[0], out var logits);
                return Ops.BernoulliLogLikelihood(logits, v[1]);
            case "gaussian": return Ops.GaussianLogLikelihood(v[0], v[1], v[2]);
            case "gaussian-fixed": return Ops.GaussianLogLikelihood(v[0], v[1], Number("variance"));
            case "kl": return Ops.KlDivergenceToStandardNormal(v[0], v[1]);
            case "reparameterize": return Ops.Reparameterize(v[0], v[1], v[2].Value);
            case "tiny-vae": return TinyVae.NegativeElbo(v.Skip(2).ToArray(), v[0].Value, v[1].Value);
            default: throw new InvalidDataException($"Unknown op '{op}' in the golden file.");
        }
    }

    private Tensor<double> ReadTensor(JsonElement element)
    {
        var shape = new Shape(element.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
        var data = element.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        return Tensor<double>.FromArray(data, shape, _device);
    }

    /// <summary>Asserts agreement and returns the worst relative error |a − e| / |e| (0 where both are 0).</summary>
    private static double Compare(Tensor<double> actual, JsonElement expected, string what)
    {
        var shape = expected.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        Assert.That(actual.Shape, Is.EqualTo(new Shape(shape)), $"{what}: shape");
        var expectedValues = expected.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        var actualValues = actual.ToArray();
        double worst = 0;
        for (int i = 0; i < expectedValues.Length; i++)
        {
            double difference = Math.Abs(actualValues[i] - expectedValues[i]);
            Assert.That(difference, Is.LessThanOrEqualTo(AbsoluteFloor + RelativeTolerance * Math.Abs(expectedValues[i])),
                $"{what}: element {i} is {actualValues[i]:R}, PyTorch has {expectedValues[i]:R}");
            if (expectedValues[i] != 0) worst = Math.Max(worst, difference / Math.Abs(expectedValues[i]));
        }
        return worst;
    }
}
