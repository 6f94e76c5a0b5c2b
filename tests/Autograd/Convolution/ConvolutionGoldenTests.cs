using System.Text.Json;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd.Convolution;

/// <summary>
/// Ops.Conv2d and Ops.ConvTranspose2d against PyTorch's F.conv2d and F.conv_transpose2d: golden/conv_golden.json (written
/// by golden/make_conv_golden.py with torch 1.13, float64) holds each case's inputs, output, a seed gradient s and the
/// vector-Jacobian products ∂⟨s, y⟩/∂(x, w, b). Each case runs on every device in float64 and in float32.
/// </summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class ConvolutionGoldenTests(string deviceName)
{
    /// <summary>float64: both sides sum the same products in different orders, ~1e-15 apart; 1e-10 catches any wrong tap.</summary>
    private const double DoubleTolerance = 1e-10;

    /// <summary>float32: sums of up to a few hundred products of O(1) values, each rounded to 2⁻²⁴ ≈ 6e-8 relative.</summary>
    private const double FloatTolerance = 2e-5;

    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "golden", "conv_golden.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    private static IEnumerable<TestCaseData> CaseNames() =>
        Cases.Value.Select(c => c.GetProperty("name").GetString()!).Select(n => new TestCaseData(n).SetArgDisplayNames(n));

    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    [Test]
    public void TheGoldenFileCoversBothOperationsAndTheSizesTheIssueNames()
    {
        var cases = Cases.Value;
        Assert.That(cases.Select(c => c.GetProperty("op").GetString()).Distinct(), Is.EquivalentTo(new[] { "conv2d", "conv-transpose2d" }));
        var strides = cases.SelectMany(c => Pair(c.GetProperty("params"), "stride")).ToHashSet();
        var paddings = cases.SelectMany(c => Pair(c.GetProperty("params"), "padding")).ToHashSet();
        var kernels = cases.SelectMany(c => Input(c, 1).Shape.ToArray()[2..]).ToHashSet();
        Assert.That(strides, Is.SupersetOf(new[] { 1, 2, 3 }));
        Assert.That(paddings, Is.SupersetOf(new[] { 0, 1, 2 }));
        Assert.That(kernels, Is.SupersetOf(new[] { 1, 2, 3, 4, 5 }));
        Assert.That(cases.Any(c => Input(c, 0).Shape[0] == 1) && cases.Any(c => Input(c, 0).Shape[0] > 1), "batch 1 and more");
        Assert.That(cases.Any(c => !c.GetProperty("params").GetProperty("bias").GetBoolean()), "cases without bias");
    }

    [TestCaseSource(nameof(CaseNames))]
    public void Float64MatchesPyTorch(string name) => Run<double>(name, DoubleTolerance);

    [TestCaseSource(nameof(CaseNames))]
    public void Float32MatchesPyTorch(string name) => Run<float>(name, FloatTolerance);

    private void Run<T>(string name, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var c = Cases.Value.Single(k => k.GetProperty("name").GetString() == name);
        var parameters = c.GetProperty("params");
        var stride = Pair(parameters, "stride");
        var padding = Pair(parameters, "padding");
        bool transposed = c.GetProperty("op").GetString() == "conv-transpose2d";
        var outputPadding = transposed ? Pair(parameters, "output_padding") : [0, 0];
        int inputCount = c.GetProperty("inputs").GetArrayLength();
        var inputs = Enumerable.Range(0, inputCount).Select(i => Input(c, i)).ToArray();
        var tensors = inputs.Select(i => Tensor<T>.FromArray(i.Data.Select(T.CreateChecked).ToArray(), i.Shape, _device)).ToArray();
        var expected = Flat(c.GetProperty("output"));
        var seed = Flat(c.GetProperty("seed"));
        try
        {
            using var tape = new Tape();
            var vars = tensors.Select(t => (Var<T>)new Parameter<T>(t)).ToArray();
            var bias = inputCount == 3 ? vars[2] : null;
            var y = transposed
                ? Ops.ConvTranspose2d(vars[0], vars[1], bias, (stride[0], stride[1]), (padding[0], padding[1]), (outputPadding[0], outputPadding[1]))
                : Ops.Conv2d(vars[0], vars[1], bias, (stride[0], stride[1]), (padding[0], padding[1]));
            Assert.That(y.Shape, Is.EqualTo(expected.Shape), "output shape");
            AssertClose(y.Value.ToArray().Select(double.CreateChecked).ToArray(), expected.Data, tolerance, "output");
            using var seedTensor = Tensor<T>.FromArray(seed.Data.Select(T.CreateChecked).ToArray(), seed.Shape, _device);
            y.Backward(seedTensor);
            string[] names = ["x", "weight", "bias"];
            var gradients = c.GetProperty("gradients");
            for (int i = 0; i < inputCount; i++)
            {
                var wanted = Flat(gradients[i]);
                var actual = ((Parameter<T>)vars[i]).Gradient ?? throw new AssertionException($"no gradient reached {names[i]}");
                AssertClose(actual.ToArray().Select(double.CreateChecked).ToArray(), wanted.Data, tolerance, $"∂⟨s, y⟩/∂{names[i]}");
            }
        }
        finally
        {
            foreach (var t in tensors) t.Dispose();
        }
    }

    // |a − e| ≤ tolerance · max(1, max |e|): relative to the case's scale, so that outputs near 0 are not held to a tighter bar.
    private static void AssertClose(double[] actual, double[] expected, double tolerance, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < actual.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(tolerance * scale), $"{what}[{i}]");
    }

    private static int[] Pair(JsonElement parameters, string key) => parameters.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static (Shape Shape, double[] Data) Input(JsonElement c, int index) => Flat(c.GetProperty("inputs")[index]);

    private static (Shape Shape, double[] Data) Flat(JsonElement e) =>
        (new Shape(e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray()), e.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToArray());
}
