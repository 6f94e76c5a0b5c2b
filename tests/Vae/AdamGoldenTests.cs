using System.Text.Json;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Tests.Vae;

/// <summary>The fused Adam update against 10 steps of torch.optim.Adam recorded in golden/adam_golden.json.</summary>
[TestFixture]
public class AdamGoldenTests
{
    // float64 arithmetic in a different order than PyTorch's: agreement to ~1e-12 relative is expected.
    private const double Float64Tolerance = 1e-10;
    // float32 state accumulates rounding over 10 steps; each step moves a parameter by at most ~lr.
    private const double Float32Tolerance = 2e-5;

    private sealed record Case(string Name, double Lr, double Beta1, double Beta2, double Eps, double WeightDecay,
        double[] Initial, double[][] Gradients, double[][] Parameters);

    private static IEnumerable<Case> LoadCases()
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Vae", "golden", "adam_golden.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            double[] Array(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            yield return new Case(c.GetProperty("name").GetString()!, c.GetProperty("lr").GetDouble(), c.GetProperty("beta1").GetDouble(),
                c.GetProperty("beta2").GetDouble(), c.GetProperty("eps").GetDouble(), c.GetProperty("weight_decay").GetDouble(),
                Array(c.GetProperty("initial")),
                c.GetProperty("gradients").EnumerateArray().Select(Array).ToArray(),
                c.GetProperty("parameters").EnumerateArray().Select(Array).ToArray());
        }
    }

    [Test]
    public void Float64MatchesTorchOptimAdamForTenSteps() => Replay<double>(Float64Tolerance);

    [Test]
    public void Float32MatchesTorchOptimAdamForTenSteps() => Replay<float>(Float32Tolerance);

    private static void Replay<T>(double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var device = Device.Open("host");
        foreach (var golden in LoadCases())
        {
            int n = golden.Initial.Length;
            using var parameters = Tensor<T>.FromArray(golden.Initial.Select(T.CreateChecked).ToArray(), new Shape(n), device);
            using var m = Tensor<T>.Zeros(new Shape(n), device);
            using var v = Tensor<T>.Zeros(new Shape(n), device);
            using var gradient = Tensor<T>.Zeros(new Shape(n), device);
            for (int step = 1; step <= golden.Gradients.Length; step++)
            {
                device.Backend.Upload<T>(golden.Gradients[step - 1].Select(T.CreateChecked).ToArray(), gradient.Buffer);
                var settings = new AdamSettings(golden.Lr, golden.Beta1, golden.Beta2, golden.Eps, golden.WeightDecay, step);
                device.Backend.AdamUpdate(parameters.Buffer, gradient.Buffer, m.Buffer, v.Buffer, n, settings);
                var actual = parameters.ToArray();
                var expected = golden.Parameters[step - 1];
                for (int i = 0; i < n; i++)
                {
                    double error = Math.Abs(double.CreateChecked(actual[i]) - expected[i]);
                    Assert.That(error, Is.LessThanOrEqualTo(tolerance * Math.Max(1, Math.Abs(expected[i]))),
                        $"{golden.Name}: step {step}, element {i}: {actual[i]} vs torch {expected[i]}");
                }
            }
        }
    }
}
