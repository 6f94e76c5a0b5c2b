using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Autograd.Optimizers;

/// <summary>Optimizer state through state dicts, the cost of a step, clipping and schedules at their edges, and refusals.</summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class OptimizerTests(string deviceName)
{
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    private static IEnumerable<TestCaseData> Kinds() => new[] { "sgd momentum dampening weight decay", "sgd nesterov", "adam weight decay", "warmup then cosine with adamw", "clipped sgd momentum" }
        .Select(name => new TestCaseData(name).SetArgDisplayNames(name));

    [TestCaseSource(nameof(Kinds))]
    public void StateSavedAfterFiveStepsAndRestoredContinuesBitForBit(string caseName)
    {
        var json = OptimizerGoldenTests.Cases().Single(c => c.Name == caseName).Json;
        double? maxNorm = json.TryGetProperty("max_norm", out var m) ? m.GetDouble() : null;
        void Steps(Optimizer<float> optimizer, List<Parameter<float>> parameters, int from, int to)
        {
            for (int step = from; step < to; step++)
            {
                OptimizerGoldenTests.SetGradients(json, step, parameters);
                if (maxNorm is double max) optimizer.ClipGradientNorm(max);
                optimizer.Step();
            }
        }
        string path = Path.Combine(Path.GetTempPath(), $"optimizer-{Guid.NewGuid():N}.safetensors");
        var straight = OptimizerGoldenTests.Parameters<float>(json, _device);
        var resumed = OptimizerGoldenTests.Parameters<float>(json, _device);
        try
        {
            using (var optimizer = OptimizerGoldenTests.Create(json, straight.Named())) Steps(optimizer, straight, 0, 10);
            using (var first = OptimizerGoldenTests.Create(json, resumed.Named()))
            {
                Steps(first, resumed, 0, 5);
                first.StateDict().Save(path);
            }
            using var second = OptimizerGoldenTests.Create(json, resumed.Named());
            var state = StateDict.Load(path);
            Assert.That(state.Metadata["step"], Is.EqualTo("5"));
            Assert.That(state.Metadata["optimizer"], Is.EqualTo(second.Kind));
            second.LoadStateDict(state);
            Assert.That(second.StepCount, Is.EqualTo(5));
            Steps(second, resumed, 5, 10);
            for (int k = 0; k < straight.Count; k++) Assert.That(resumed[k].Value.ToArray(), Is.EqualTo(straight[k].Value.ToArray()), $"p{k}");
        }
        finally
        {
            File.Delete(path);
            foreach (var p in straight.Concat(resumed)) p.Dispose();
        }
    }

    [Test]
    public void StateNamesFollowPyTorch()
    {
        using var model = new Linear<float>(3, 2, new Initializer(_device, 1));
        using var adam = new Adam<float>(model.NamedParameters());
        using var sgd = new Sgd<float>(model.NamedParameters(), 0.1, momentum: 0.9);
        using var plain = new Sgd<float>(model.NamedParameters(), 0.1);
        Assert.That(adam.StateDict().Names, Is.EqualTo(new[] { "weight.exp_avg", "weight.exp_avg_sq", "bias.exp_avg", "bias.exp_avg_sq" }));
        Assert.That(sgd.StateDict().Names, Is.EqualTo(new[] { "weight.momentum_buffer", "bias.momentum_buffer" }));
        Assert.That(plain.StateDict().Names, Is.Empty, "plain SGD keeps no state");
        Assert.That(adam.StateDict()["weight.exp_avg"].Shape, Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public void AStateThatDoesNotFitIsRefusedNamingTheKeyAndChangesNothing()
    {
        using var model = new Linear<float>(3, 2, new Initializer(_device, 1));
        using var adam = new Adam<float>(model.NamedParameters());
        var good = adam.StateDict();
        good.Metadata["step"] = "4";
        using var fresh = new Adam<float>(model.NamedParameters());
        Assert.That(() => fresh.LoadStateDict(new StateDict(good.Where(t => t.Name != "bias.exp_avg_sq"), good.Metadata)),
            Throws.TypeOf<StateDictException>().With.Message.Contain("tensor 'bias.exp_avg_sq' is missing; adam needs it with shape [2]"));
        Assert.That(() => fresh.LoadStateDict(new StateDict(good.Select(t => t.Name == "weight.exp_avg" ? t with { Shape = [3, 2] } : t), good.Metadata)),
            Throws.TypeOf<StateDictException>().With.Message.Contain("tensor 'weight.exp_avg' has shape [3, 2] but adam needs [2, 3]"));
        Assert.That(() => fresh.LoadStateDict(new StateDict([.. good, new NamedTensor("weight.momentum_buffer", "F32", [2, 3], new double[6])], good.Metadata)),
            Throws.TypeOf<StateDictException>().With.Message.Contain("tensor 'weight.momentum_buffer' [2, 3] is unexpected"));
        var noStep = new StateDict(good);
        Assert.That(() => fresh.LoadStateDict(noStep), Throws.TypeOf<StateDictException>().With.Message.Contain("no step count"));
        using var sgd = new Sgd<float>(model.NamedParameters(), 0.1, momentum: 0.5);
        Assert.That(() => sgd.LoadStateDict(good), Throws.TypeOf<StateDictException>().With.Message.Contain("it holds the state of adam, not of sgd"));
        Assert.That(fresh.StepCount, Is.EqualTo(0), "nothing was loaded");
        fresh.LoadStateDict(good);
        Assert.That(fresh.StepCount, Is.EqualTo(4));
    }

    [Test]
    public void BadSettingsAreRefusedWithTheirValue()
    {
        using var model = new Linear<float>(3, 2, new Initializer(_device, 1));
        var p = model.NamedParameters();
        Assert.That(() => new Sgd<float>(p, 0.1, momentum: 0, nesterov: true), Throws.ArgumentException.With.Message.Contain("Nesterov momentum requires a momentum > 0"));
        Assert.That(() => new Sgd<float>(p, 0.1, momentum: 0.9, dampening: 0.1, nesterov: true), Throws.ArgumentException.With.Message.Contain("zero dampening"));
        Assert.That(() => new Sgd<float>(p, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contain("learning rate"));
        Assert.That(() => new Adam<float>(p, beta1: 1.0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contain("beta1"));
        Assert.That(() => new Adam<float>([]), Throws.ArgumentException.With.Message.Contain("no parameters"));
        Assert.That(() => new Adam<float>([p[0], p[0]]), Throws.ArgumentException.With.Message.Contain("two parameters are named 'weight'"));
        using var adam = new Adam<float>(p);
        Assert.That(() => adam.ClipGradientNorm(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contain("maximum norm"));
        Assert.That(() => adam.LearningRate = double.NaN, Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ClippingLeavesSmallGradientsAloneAndScalesLargeOnesToTheMaximum()
    {
        using var a = new Parameter<double>(Tensor<double>.Zeros(Shape.Vector(3), _device), "a");
        using var b = new Parameter<double>(Tensor<double>.Zeros(Shape.Matrix(2, 2), _device), "b");
        using var untouched = new Parameter<double>(Tensor<double>.Zeros(Shape.Vector(2), _device), "untouched");
        var named = new[] { a, b, untouched }.Named();
        using (var tape = new Tape())
        {
            using var ga = Tensor<double>.FromArray([3.0, 0.0, -4.0], Shape.Vector(3), _device);
            using var gb = Tensor<double>.FromArray([0.0, 12.0, 0.0, 0.0], Shape.Matrix(2, 2), _device);
            (Ops.Sum(a * Var<double>.Constant(ga)) + Ops.Sum(b * Var<double>.Constant(gb))).Backward();
        }
        // ‖g‖ = √(9 + 16 + 144) = 13; a parameter no backward pass reached counts as zero.
        Assert.That(GradientClipping.ClipByGlobalNorm(named, 100), Is.EqualTo(13.0).Within(1e-15));
        Assert.That(a.Gradient!.ToArray(), Is.EqualTo(new[] { 3.0, 0.0, -4.0 }), "below the maximum: unchanged");
        Assert.That(GradientClipping.ClipByGlobalNorm(named, 6.5), Is.EqualTo(13.0).Within(1e-15));
        double scale = 6.5 / (13 + 1e-6);
        Assert.That(a.Gradient!.ToArray(), Is.EqualTo(new[] { 3 * scale, 0.0, -4 * scale }).Within(1e-15));
        Assert.That(b.Gradient!.ToArray(), Is.EqualTo(new[] { 0.0, 12 * scale, 0.0, 0.0 }).Within(1e-15));
        Assert.That(untouched.Gradient, Is.Null);
    }

    [Test]
    public void SchedulesHaveTheirClosedForms()
    {
        Assert.That(Enumerable.Range(0, 7).Select(t => new StepDecay(3, 0.5).At(t, 8)), Is.EqualTo(new[] { 8.0, 8, 8, 4, 4, 4, 2 }));
        var cosine = new CosineAnnealing(4, 1);
        Assert.That(cosine.At(0, 3), Is.EqualTo(3.0));
        Assert.That(cosine.At(2, 3), Is.EqualTo(2.0).Within(1e-15));
        Assert.That(cosine.At(4, 3), Is.EqualTo(1.0).Within(1e-15));
        var warmup = new LinearWarmup(4, 0.2);
        Assert.That(Enumerable.Range(0, 6).Select(t => warmup.At(t, 10)), Is.EqualTo(new[] { 2.0, 4, 6, 8, 10, 10 }).Within(1e-12));
        var both = new WarmupThen(warmup, new StepDecay(2, 0.1));
        Assert.That(Enumerable.Range(0, 8).Select(t => both.At(t, 10)), Is.EqualTo(new[] { 2.0, 4, 6, 8, 10, 10, 1, 1 }).Within(1e-12));
    }

    [Test]
    public void AStepAllocatesNoManagedMemoryOnceWarm()
    {
        if (_device.Name != "host") Assert.Ignore("measured on the host, where every primitive runs on the calling thread's pool without launch records");
        using var model = new Sequential<float>(new Linear<float>(64, 32, new Initializer(_device, 2)), new Activation<float, ReluOperator>(), new Linear<float>(32, 8, new Initializer(_device, 3)));
        using var x = Tensor<float>.Uniform(Shape.Matrix(16, 64), 4, device: _device);
        Optimizer<float>[] optimizers =
        [
            new Sgd<float>(model.NamedParameters(), 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4),
            new Adam<float>(model.NamedParameters(), weightDecay: 1e-4),
            new AdamW<float>(model.NamedParameters()),
        ];
        try
        {
            using var tape = new Tape();
            var loss = Ops.Mean(Ops.Square(model.Forward(Var<float>.Constant(x))));
            tape.EndRecording();
            foreach (var optimizer in optimizers)
            {
                optimizer.Schedule = new WarmupThen(new LinearWarmup(3), new CosineAnnealing(100));
                void Step()
                {
                    tape.Replay();
                    loss.Backward();
                    optimizer.ClipGradientNorm(0.5);
                    optimizer.Step();
                    optimizer.ZeroGradients();
                }
                for (int i = 0; i < 5; i++) Step();
                long buffers = _device.Pool.DeviceAllocations;
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 20; i++) Step();
                long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.That(bytes, Is.EqualTo(0), $"{optimizer.Kind}: managed bytes over 20 steps");
                Assert.That(_device.Pool.DeviceAllocations, Is.EqualTo(buffers), $"{optimizer.Kind}: no new device buffers");
            }
        }
        finally
        {
            foreach (var optimizer in optimizers) optimizer.Dispose();
        }
    }
}
