using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

/// <summary>
/// Tape.Replay: a recorded graph recomputed from new input values gives exactly the values and gradients of a graph
/// built afresh from those values, for every operation; what cannot be replayed is refused with a message.
/// </summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class TapeReplayTests(string deviceName)
{
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    private static IEnumerable<TestCaseData> Cases() => OperationCases.All().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    /// <summary>The output and every input's gradient, for inputs and constants holding the values of <paramref name="seedBase"/>.</summary>
    private (double[] Output, double[][] Gradients) Fresh(OperationCase operation, int seedBase, Tensor<double> outputSeed)
    {
        var parameters = operation.Inputs.Select((spec, i) => new Parameter<double>(TestInputs.Create(spec, TestInputs.Seed(operation.Name, seedBase + i), _device))).ToArray();
        var constants = (operation.Constants ?? []).Select((spec, i) => TestInputs.Create(spec, TestInputs.Seed(operation.Name, seedBase + 100 + i), _device)).ToArray();
        try
        {
            using var tape = new Tape();
            var y = operation.Function(parameters, constants);
            y.Backward(outputSeed);
            return (y.Value.ToArray(), parameters.Select(p => p.Gradient!.ToArray()).ToArray());
        }
        finally
        {
            foreach (var p in parameters) p.Dispose();
            foreach (var c in constants) c.Dispose();
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void AReplayGivesTheBitsOfAFreshGraph(OperationCase operation)
    {
        // Record with the first values, then write the second values into the same parameters and constants and
        // replay: output and gradients must equal, bit for bit, those of a graph built from the second values.
        var parameters = operation.Inputs.Select((spec, i) => new Parameter<double>(TestInputs.Create(spec, TestInputs.Seed(operation.Name, i), _device))).ToArray();
        var constants = (operation.Constants ?? []).Select((spec, i) => TestInputs.Create(spec, TestInputs.Seed(operation.Name, 100 + i), _device)).ToArray();
        Tensor<double>? outputSeed = null;
        try
        {
            double[] replayed, first;
            double[][] gradients;
            using (var tape = new Tape())
            {
                var y = operation.Function(parameters, constants);
                first = y.Value.ToArray();
                outputSeed = TestInputs.Create(new InputSpec(y.Shape), 977, _device);
                y.Backward(outputSeed);
                for (int i = 0; i < parameters.Length; i++)
                {
                    parameters[i].ZeroGradient();
                    _device.Backend.Upload<double>(TestInputs.Values(operation.Inputs[i], TestInputs.Seed(operation.Name, 50 + i)), parameters[i].Value.Buffer);
                }
                for (int i = 0; i < constants.Length; i++)
                    _device.Backend.Upload<double>(TestInputs.Values(operation.Constants![i], TestInputs.Seed(operation.Name, 150 + i)), constants[i].Buffer);
                tape.Replay();
                replayed = y.Value.ToArray();
                y.Backward(outputSeed);
                gradients = parameters.Select(p => p.Gradient!.ToArray()).ToArray();
            }
            var (expected, expectedGradients) = Fresh(operation, 50, outputSeed);
            Assert.That(replayed, Is.Not.EqualTo(first), "the new inputs change the output (the replay did something)");
            Assert.That(replayed, Is.EqualTo(expected), "output after replay");
            for (int i = 0; i < gradients.Length; i++)
                Assert.That(gradients[i], Is.EqualTo(expectedGradients[i]), $"gradient of input {i} after replay");
        }
        finally
        {
            foreach (var p in parameters) p.Dispose();
            foreach (var c in constants) c.Dispose();
            outputSeed?.Dispose();
        }
    }

    [Test]
    public void AReplayedStepAllocatesNoDeviceBuffers()
    {
        using var w = new Parameter<double>(TestInputs.Create(new InputSpec(Shape.Matrix(4, 3)), 1, _device), "w");
        using var b = new Parameter<double>(TestInputs.Create(new InputSpec(Shape.Vector(4)), 2, _device), "b");
        using var x = TestInputs.Create(new InputSpec(Shape.Matrix(5, 3)), 3, _device);
        using var tape = new Tape();
        var loss = Ops.Sum(Ops.Tanh(Ops.MatMul(Var<double>.Constant(x), w, transposeB: true) + b));
        loss.Backward();
        tape.Replay();
        loss.Backward();
        long allocations = _device.Pool.DeviceAllocations, inUse = _device.Pool.BytesInUse;
        for (int i = 0; i < 3; i++)
        {
            tape.Replay();
            loss.Backward();
        }
        Assert.That(_device.Pool.DeviceAllocations, Is.EqualTo(allocations));
        Assert.That(_device.Pool.BytesInUse, Is.EqualTo(inUse));
    }

    [Test]
    public void IntermediateGradientsOfTheLastPassDoNotOutliveAReplay()
    {
        using var p = new Parameter<double>(Tensor<double>.FromArray([0.5, -1.0, 2.0], Shape.Vector(3), _device), "p");
        using var tape = new Tape();
        var h = Ops.Exp(p);
        var loss = Ops.Sum(h * h);
        loss.Backward();
        Assert.That(h.Gradient, Is.Not.Null);
        var parameterGradient = p.Gradient!.ToArray();
        tape.Replay();
        Assert.That(h.Gradient, Is.Null, "h's gradient belonged to the previous values");
        Assert.That(p.Gradient!.ToArray(), Is.EqualTo(parameterGradient), "a parameter keeps what it accumulated");
        loss.Backward();
        // ∂L/∂h = 2h = 2eᵖ
        Assert.That(h.Gradient!.ToArray(), Is.EqualTo(new[] { 0.5, -1.0, 2.0 }.Select(v => 2 * Math.Exp(v)).ToArray()).Within(1e-12));
    }

    [Test]
    public void AValueComputedWithoutRecordingIsRefused()
    {
        using var p = new Parameter<double>(Tensor<double>.FromArray([1.0, 2.0], Shape.Vector(2), _device), "p");
        using var c = Tensor<double>.FromArray([0.5, 0.25], Shape.Vector(2), _device);
        using var tape = new Tape();
        var fixedValue = Ops.Exp(Var<double>.Constant(c)); // from constants only: not recorded
        var y = p * fixedValue;
        var error = Assert.Throws<InvalidOperationException>(tape.Replay)!;
        Assert.That(error.Message, Does.Contain("'exp'").And.Contain("computed without being recorded").And.Contain("multiply"));
        Assert.That(y.Value.ToArray(), Is.EqualTo(new[] { Math.Exp(0.5), 2 * Math.Exp(0.25) }).Within(1e-12), "nothing was recomputed");
    }

    [Test]
    public void AViewOfAConstantFollowsItsBuffer()
    {
        using var p = new Parameter<double>(Tensor<double>.FromArray([1.0, 2.0, 3.0, 4.0], Shape.Matrix(2, 2), _device), "p");
        using var c = Tensor<double>.FromArray([0.5, 0.25, 2.0, 1.0], Shape.Vector(4), _device);
        using var tape = new Tape();
        var view = Ops.Reshape(Var<double>.Constant(c), Shape.Matrix(2, 2)); // unrecorded: a constant's view
        var y = p * view;
        _device.Backend.Upload<double>([1.0, 1.0, 1.0, 1.0], c.Buffer);
        tape.Replay();
        Assert.That(y.Value.ToArray(), Is.EqualTo(new[] { 1.0, 2.0, 3.0, 4.0 }), "the view shows the refilled constant");
    }

    [Test]
    public void AnOperationComputedByItsForwardFunctionIsReplayedThroughItsForward()
    {
        // Twice computes its output itself and hands it to Finish; a replay can only run TwiceOperation.Forward.
        using var p = new Parameter<double>(Tensor<double>.FromArray([1.0, -2.0], Shape.Vector(2), _device), "p");
        using var tape = new Tape();
        var y = Twice(p);
        var loss = Ops.Sum(Ops.Multiply(y, y));
        loss.Backward();
        Assert.That(y.Value.ToArray(), Is.EqualTo(new[] { 2.0, -4.0 }));
        Assert.That(p.Gradient!.ToArray(), Is.EqualTo(new[] { 8.0, -16.0 }), "d(Σ 4p²)/dp = 8p");
        _device.Backend.Upload<double>([3.0, 0.5], p.Value.Buffer);
        p.ZeroGradient();
        tape.Replay();
        loss.Backward();
        Assert.That(y.Value.ToArray(), Is.EqualTo(new[] { 6.0, 1.0 }));
        Assert.That(loss.Value.ToArray(), Is.EqualTo(new[] { 37.0 }));
        Assert.That(p.Gradient!.ToArray(), Is.EqualTo(new[] { 24.0, 4.0 }));
    }

    [Test]
    public void EndRecordingHandsTheScopeBackAndKeepsTheGraph()
    {
        using var p = new Parameter<double>(Tensor<double>.FromArray([0.5, 1.5], Shape.Vector(2), _device), "p");
        using var outer = new Tape();
        var inner = new Tape();
        var loss = Ops.Sum(p * p);
        inner.EndRecording();
        Assert.That(Tape.Current, Is.SameAs(outer));
        Assert.That(inner.RecordingEnded, Is.True);
        var other = Ops.Sum(p);
        Assert.That(other.Owner, Is.SameAs(outer), "values computed afterwards belong to the enclosing scope");
        Assert.That(inner.OperationCount, Is.EqualTo(2));
        _device.Backend.Upload<double>([2.0, -1.0], p.Value.Buffer);
        inner.Replay();
        Assert.That(loss.Value.Item(), Is.EqualTo(5.0));
        loss.Backward();
        Assert.That(p.Gradient!.ToArray(), Is.EqualTo(new[] { 4.0, -2.0 }));
        inner.Dispose();
        Assert.That(Tape.Current, Is.SameAs(outer));
        Assert.That(loss.IsDisposed, Is.True, "disposing the tape frees its recording");

        // Scopes are per thread: another thread cannot end this thread's recording.
        using var local = new Tape();
        var error = Task.Run(() => Assert.Throws<InvalidOperationException>(local.EndRecording)).Result;
        Assert.That(error!.Message, Does.Contain("thread"));
        Assert.That(Tape.Current, Is.SameAs(local));
    }

    /// <summary>A user-written operation with a backward rule and no Forward: y = 2x.</summary>
    private static Var<double> Twice(Var<double> x)
    {
        var context = ForwardContext<double>.Begin("twice", x);
        var y = Tensor<double>.Empty(x.Shape, context.Device);
        context.Backend.Axpby(2.0, x.Value.Buffer, 0.0, y.Buffer, x.Length);
        return context.Finish(y, context.RecordsGradient ? new TwiceOperation(x) : null);
    }

    private sealed class TwiceOperation(Var<double> x) : Operation<double>("twice", x)
    {
        protected override void Forward(Tensor<double> output) => Backend.Axpby(2.0, Inputs[0].Value.Buffer, 0.0, output.Buffer, output.Length);

        protected override void Backward(Tensor<double> outputGradient)
        {
            if (GradientTarget(Inputs[0]) is { } target)
                Backend.Axpby(2.0, outputGradient.Buffer, target.Beta, target.Buffer, outputGradient.Length);
        }
    }
}
