using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using System.Numerics;
using System.Text.Json;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The optimizer class <see cref="Adam{T}"/> (gradients from a real backward pass, step counting, moments) against
/// ten steps of torch.optim.Adam on one parameter, recorded in golden/adam_golden.json.
/// </summary>
[TestFixture]
public class AdamClassTests
{
    [Test]
    public void Float64ReproducesTorchOptimAdam() => Replay<double>(1e-10);

    [Test]
    public void Float32ReproducesTorchOptimAdam() => Replay<float>(2e-5);

    private static void Replay<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var device = Device.Open("host");
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Vae", "golden", "adam_golden.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        double[] Values(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        int cases = 0;
        foreach (var golden in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = golden.GetProperty("name").GetString()!;
            var initial = Values(golden.GetProperty("initial"));
            var gradients = golden.GetProperty("gradients").EnumerateArray().Select(Values).ToArray();
            var expected = golden.GetProperty("parameters").EnumerateArray().Select(Values).ToArray();
            int n = initial.Length;
            using var parameter = new Parameter<T>(Tensor<T>.FromArray(initial.Select(T.CreateChecked).ToArray(), Shape.Vector(n), device), "theta");
            using var optimizer = new Adam<T>(new[] { parameter }.Named(), golden.GetProperty("lr").GetDouble(), golden.GetProperty("beta1").GetDouble(),
                golden.GetProperty("beta2").GetDouble(), golden.GetProperty("eps").GetDouble(), golden.GetProperty("weight_decay").GetDouble());
            using var tape = new Tape();
            for (int step = 1; step <= gradients.Length; step++)
            {
                // L = Σᵢ θᵢ gᵢ has ∂L/∂θ = g: the recorded gradient arrives through backward, as in training.
                using var g = Tensor<T>.FromArray(gradients[step - 1].Select(T.CreateChecked).ToArray(), Shape.Vector(n), device);
                parameter.ZeroGradient();
                Ops.Sum(parameter * Var<T>.Constant(g)).Backward();
                optimizer.Step();
                tape.Reset();
                Assert.That(optimizer.StepCount, Is.EqualTo(step));
                var actual = parameter.Value.ToArray();
                for (int i = 0; i < n; i++)
                    Assert.That(double.CreateChecked(actual[i]), Is.EqualTo(expected[step - 1][i]).Within(tolerance * Math.Max(1, Math.Abs(expected[step - 1][i]))),
                        $"{name}: step {step}, element {i}");
            }
            cases++;
        }
        Assert.That(cases, Is.EqualTo(2));
    }
}
