using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

/// <summary>The whole negative ELBO of a tiny VAE, checked against central differences for every weight and bias.</summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class VaeLossTests(string deviceName)
{
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    [Test]
    public void NegativeElboMatchesAPlainLoopReferenceAndPassesGradCheckForAllParameters()
    {
        var xValues = TestInputs.Values(new InputSpec(Shape.Matrix(TinyVae.Batch, TinyVae.Pixels), InputKind.Probability), 41);
        var epsValues = TestInputs.Values(new InputSpec(Shape.Matrix(TinyVae.Batch, TinyVae.Latent)), 42);
        // Weights scaled to the usual 1/√fan-in size so that activations stay moderate.
        var parameterValues = TinyVae.ParameterShapes.Select((shape, k) =>
            TestInputs.Values(new InputSpec(shape), 50 + k).Select(v => v / Math.Sqrt(shape.Rank == 2 ? shape[0] : 2)).ToArray()).ToArray();

        using var x = Tensor<double>.FromArray(xValues, Shape.Matrix(TinyVae.Batch, TinyVae.Pixels), _device);
        using var eps = Tensor<double>.FromArray(epsValues, Shape.Matrix(TinyVae.Batch, TinyVae.Latent), _device);
        var parameters = parameterValues.Select((values, k) => Tensor<double>.FromArray(values, TinyVae.ParameterShapes[k], _device)).ToArray();
        try
        {
            using (var scope = Tape.NoGrad())
            {
                var parameterVars = parameters.Select(t => Var<double>.Constant(t)).ToArray();
                double loss = TinyVae.NegativeElbo(parameterVars, x, eps).Value.Item();
                double reference = TinyVae.ReferenceNegativeElbo(parameterValues, xValues, epsValues);
                Assert.That(loss, Is.EqualTo(reference).Within(1e-12 * Math.Abs(reference)));
            }

            var result = GradCheck.Check(p => TinyVae.NegativeElbo(p, x, eps), parameters);
            TestContext.Out.WriteLine(result.ToString());
            Assert.That(result.Passed, Is.True, result.ToString());
            Assert.That(result.Comparisons, Is.EqualTo(110), "every weight and bias element");
            Assert.That(result.LargestNumeric, Is.GreaterThan(0.1));
        }
        finally
        {
            foreach (var tensor in parameters) tensor.Dispose();
        }
    }
}
