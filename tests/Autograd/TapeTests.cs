using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

/// <summary>The tape's semantics: accumulation, parameters, no-grad scopes, memory release and steady state.</summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class TapeTests(string deviceName)
{
    private const double Tolerance = 1e-12;
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    private Parameter<double> Parameter(double[] values, params int[] shape) => new(Tensor<double>.FromArray(values, new Shape(shape), _device), "p");

    [Test]
    public void AValueUsedTwiceReceivesBothContributions()
    {
        double[] values = [0.5, -1.25, 2.0, 0.75, -0.1, 1.5];
        using var x = Parameter(values, 2, 3);
        using (var tape = new Tape())
        {
            // L = Σ (x ⊙ x + x)  ⇒  ∂L/∂x = 2x + 1
            Ops.Sum(x * x + x).Backward();
        }
        Assert.That(x.Gradient!.ToArray(), Is.EqualTo(values.Select(v => 2 * v + 1).ToArray()).Within(Tolerance));

        x.ZeroGradient();
        using (var tape = new Tape())
        {
            // h = eˣ feeds two branches: L = Σ h² + Σ h  ⇒  ∂L/∂x = 2e²ˣ + eˣ
            var h = Ops.Exp(x);
            (Ops.Sum(h * h) + Ops.Sum(h)).Backward();
            Assert.That(h.Gradient!.ToArray(), Is.EqualTo(values.Select(v => 2 * Math.Exp(v) + 1).ToArray()).Within(1e-12),
                "an intermediate's gradient is readable after backward");
        }
        var expected = values.Select(v => 2 * Math.Exp(2 * v) + Math.Exp(v)).ToArray();
        Assert.That(x.Gradient!.ToArray(), Is.EqualTo(expected).Within(1e-11));
    }

    [Test]
    public void ParametersAccumulateAcrossStepsUntilZeroed()
    {
        double[] weights = [1, 2, 3, 4];
        double[] inputs = [0.5, -1, 2, 0.25];
        using var w = Parameter(weights, 4);
        using var c = Tensor<double>.FromArray(inputs, Shape.Vector(4), _device);
        void Step()
        {
            using var tape = new Tape();
            Ops.Sum(w * Var<double>.Constant(c)).Backward(); // ∂L/∂w = c
        }
        Assert.That(w.Gradient, Is.Null, "no gradient before the first backward pass");
        Step();
        Step();
        Assert.That(w.Gradient!.ToArray(), Is.EqualTo(inputs.Select(v => 2 * v).ToArray()).Within(Tolerance), "two steps add up");
        w.ZeroGradient();
        Assert.That(w.Gradient!.ToArray(), Is.All.EqualTo(0.0));
        Step();
        Assert.That(w.Gradient!.ToArray(), Is.EqualTo(inputs).Within(Tolerance));
        Assert.That(w.Value.ToArray(), Is.EqualTo(weights), "the tape never touches parameter values");
    }

    [Test]
    public void BackwardTwiceOnOneGraphRestartsIntermediatesButAddsToParameters()
    {
        double[] values = [0.1, 0.2, -0.3];
        using var x = Parameter(values, 3);
        using var tape = new Tape();
        var h = Ops.Tanh(x);
        var loss = Ops.Sum(h * 3.0);
        loss.Backward();
        var first = h.Gradient!.ToArray();
        loss.Backward();
        Assert.That(h.Gradient!.ToArray(), Is.EqualTo(first), "an intermediate's gradient belongs to one pass");
        Assert.That(first, Is.All.EqualTo(3.0));
        var expected = values.Select(v => 2 * 3 * (1 - Math.Tanh(v) * Math.Tanh(v))).ToArray();
        Assert.That(x.Gradient!.ToArray(), Is.EqualTo(expected).Within(Tolerance));
    }

    [Test]
    public void ASeededBackwardIsAVectorJacobianProduct()
    {
        using var x = Parameter([1, 2, 3, 4, 5, 6], 2, 3);
        using var w = Parameter([0.5, -1, 2, 0.25, 1.5, -0.5], 3, 2);
        using var tape = new Tape();
        var y = Ops.MatMul(x, w); // [2, 2]
        using var seed = Tensor<double>.FromArray([1, 0, 0, -2], Shape.Matrix(2, 2), _device);
        y.Backward(seed);
        // ∂L/∂x = S · wᵀ with S = [[1, 0], [0, −2]]
        Assert.That(x.Gradient!.ToArray(), Is.EqualTo(new double[] { 0.5, 2, 1.5, 2, -0.5, 1 }).Within(Tolerance));
        // ∂L/∂w = xᵀ · S
        Assert.That(w.Gradient!.ToArray(), Is.EqualTo(new double[] { 1, -8, 2, -10, 3, -12 }).Within(Tolerance));
    }

    [Test]
    public void NoGradScopeRecordsNothingAndAllocatesNoGradients()
    {
        using var w = Parameter([0.5, -1, 2, 0.25], 2, 2);
        using var x = Tensor<double>.FromArray([1, 2, 3, 4], Shape.Matrix(2, 2), _device);
        using var tape = new Tape();
        Var<double> result;
        long bytesBefore = _device.Pool.BytesInUse;
        using (var scope = Tape.NoGrad())
        {
            Assert.That(Tape.Current, Is.SameAs(scope));
            Assert.That(scope.IsRecording, Is.False);
            result = Ops.Sum(Ops.Relu(Ops.MatMul(Var<double>.Constant(x), w)));
            Assert.That(result.RequiresGrad, Is.False);
            Assert.That(scope.OperationCount, Is.EqualTo(0));
            Assert.That(tape.OperationCount, Is.EqualTo(0));
            Assert.That(result.Value.Item(), Is.EqualTo(0.5 + 2 * 2 + 1.5 + 4 * 2 + 0 + 0).Within(Tolerance));
            var error = Assert.Throws<InvalidOperationException>(() => result.Backward());
            Assert.That(error!.Message, Does.Contain("sum").And.Contain("does not require gradients"));
        }
        Assert.That(w.Gradient, Is.Null, "no gradient buffer was allocated");
        Assert.That(result.IsDisposed, Is.True, "the scope frees what was computed in it");
        Assert.That(_device.Pool.BytesInUse, Is.EqualTo(bytesBefore), "everything the scope rented went back");
        Assert.That(Tape.Current, Is.SameAs(tape), "the enclosing tape is active again");
        // The same computation on the tape records matmul, relu and sum (constant leaves are not operations).
        Ops.Sum(Ops.Relu(Ops.MatMul(Var<double>.Constant(x), w)));
        Assert.That(tape.OperationCount, Is.EqualTo(3));
    }

    [Test]
    public void ResetFreesIntermediatesAndTheirGradientsButKeepsParameters()
    {
        using var w = Parameter([0.5, -1, 2, 0.25, 1, 1], 3, 2);
        using var x = Tensor<double>.FromArray([1, 2, 3, 4, 5, 6], Shape.Matrix(2, 3), _device);
        using var tape = new Tape();
        // Warm up once, so the parameter's gradient exists, then measure one more step.
        Ops.Sum(Ops.Tanh(Ops.MatMul(Var<double>.Constant(x), w))).Backward();
        tape.Reset();
        long baseline = _device.Pool.BytesInUse;
        var hidden = Ops.Tanh(Ops.MatMul(Var<double>.Constant(x), w));
        Ops.Sum(hidden).Backward();
        Assert.That(_device.Pool.BytesInUse, Is.GreaterThan(baseline));
        Assert.That(tape.ValueCount, Is.EqualTo(4), "constant, matmul, tanh, sum");
        tape.Reset();
        Assert.That(_device.Pool.BytesInUse, Is.EqualTo(baseline), "values, gradients and saved tensors all went back to the pool");
        Assert.That(tape.ValueCount, Is.EqualTo(0));
        Assert.That(tape.OperationCount, Is.EqualTo(0));
        Assert.That(hidden.IsDisposed, Is.True);
        Assert.That(w.IsDisposed, Is.False);
        Assert.That(w.Gradient, Is.Not.Null);
        Assert.That(x.IsDisposed, Is.False, "a constant wraps the caller's tensor without taking it");
        Assert.That(x.ToArray()[5], Is.EqualTo(6.0));
    }

    [Test]
    public void RepeatedTrainingStepsReachASteadyStateWithNoNewDeviceAllocations()
    {
        // A small VAE-shaped step: encoder, reparameterization with fresh noise, decoder, negative ELBO, backward,
        // a plain gradient-descent update through the primitives, zero the gradients, reset the tape.
        using var x = TestInputs.Create(new InputSpec(Shape.Matrix(4, 6), InputKind.Probability), 7, _device);
        Parameter<double> P(int rows, int columns, int seed) => new(TestInputs.Create(new InputSpec(Shape.Matrix(rows, columns)), seed, _device));
        var parameters = new[] { P(6, 5, 1), P(1, 5, 2), P(5, 4, 3), P(1, 4, 4), P(2, 5, 5), P(1, 5, 6), P(5, 6, 7), P(1, 6, 8) };
        try
        {
            using var tape = new Tape();
            long allocationsAfterStep2 = 0;
            long bytesAfterStep2 = 0;
            for (int step = 1; step <= 10; step++)
            {
                var input = Var<double>.Constant(x);
                var hidden = Ops.AddBiasActivation<double, ReluOperator>(Ops.MatMul(input, parameters[0]), parameters[1]);
                var statistics = Ops.MatMul(hidden, parameters[2]) + parameters[3];
                var mu = Ops.SliceColumns(statistics, 0, 2);
                var logVar = Ops.SliceColumns(statistics, 2, 2);
                var z = Ops.Reparameterize(mu, logVar, seed: 11, counterOffset: (ulong)step * 4);
                var decoded = Ops.AddBiasActivation<double, ReluOperator>(Ops.MatMul(z, parameters[4]), parameters[5]);
                var logits = Ops.MatMul(decoded, parameters[6]) + parameters[7];
                var loss = Ops.Sum(Ops.KlDivergenceToStandardNormal(mu, logVar) - Ops.BernoulliLogLikelihood(logits, input));
                loss.Backward();
                foreach (var p in parameters)
                {
                    p.Device.Backend.Axpby(-0.01, p.Gradient!.Buffer, 1.0, p.Value.Buffer, p.Length);
                    p.ZeroGradient();
                }
                tape.Reset();
                if (step == 2)
                {
                    allocationsAfterStep2 = _device.Pool.DeviceAllocations;
                    bytesAfterStep2 = _device.Pool.BytesInUse;
                }
                if (step > 2) Assert.That(_device.Pool.BytesInUse, Is.EqualTo(bytesAfterStep2), $"bytes in use after step {step}");
            }
            Assert.That(_device.Pool.DeviceAllocations, Is.EqualTo(allocationsAfterStep2), "steps 3 to 10 allocated no new device memory");
        }
        finally
        {
            foreach (var p in parameters) p.Dispose();
        }
    }

    [Test]
    public void ScopesNestAndRestoreTheEnclosingOne()
    {
        Assert.That(Tape.Current, Is.Null);
        using (var outer = new Tape())
        {
            using (var inner = Tape.NoGrad())
            {
                Assert.That(Tape.Current, Is.SameAs(inner));
                using var again = new Tape();
                Assert.That(Tape.Current, Is.SameAs(again));
                Assert.That(again.IsRecording, Is.True, "a tape inside a no-grad scope records (as torch.enable_grad)");
            }
            Assert.That(Tape.Current, Is.SameAs(outer));
        }
        Assert.That(Tape.Current, Is.Null);
    }

    [Test]
    public void Float32RunsTheSameCodeAndAgreesWithFloat64()
    {
        double[] xs = [0.3, -0.7, 1.2, 0.05, -1.4, 0.9];
        double[] ws = [0.5, -0.25, 1.0, 0.75, -0.5, 0.2];
        (double Loss, double[] Gradient) Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            using var w = new Parameter<T>(Tensor<T>.FromArray(ws.Select(T.CreateChecked).ToArray(), Shape.Matrix(3, 2), _device));
            using var x = Tensor<T>.FromArray(xs.Select(T.CreateChecked).ToArray(), Shape.Matrix(2, 3), _device);
            using var tape = new Tape();
            var logits = Ops.MatMul(Var<T>.Constant(x), w);
            var loss = Ops.Mean(Ops.LogSumExpColumns(logits)) - Ops.Sum(Ops.Sigmoid(logits));
            loss.Backward();
            return (double.CreateChecked(loss.Value.Item()), w.Gradient!.ToArray().Select(double.CreateChecked).ToArray());
        }
        var single = Run<float>();
        var reference = Run<double>();
        Assert.That(single.Loss, Is.EqualTo(reference.Loss).Within(1e-5));
        Assert.That(single.Gradient, Is.EqualTo(reference.Gradient).Within(1e-5));
    }
}
