using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Autograd.Layers;
using ScratchVae.Kernels.Operators;
using ScratchVae.Kernels.Random;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd.Layers;

/// <summary>A two-level model as PyTorch users write one: body (a Sequential), then two heads, and a parameter of its own.</summary>
internal sealed class TwoHeads<T> : Module<T> where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    public TwoHeads(Initializer init, int inputs = 3, int hidden = 4, int outputs = 2)
    {
        Scale = AddParameter("scale", Tensor<T>.Full(Shape.Vector(outputs), T.One, init.Device));
        Body = AddModule("body", new Sequential<T>(new Linear<T>(inputs, hidden, init), new Activation<T, TanhOperator>(), new Linear<T>(hidden, hidden, init)));
        Left = AddModule("left", new Linear<T>(hidden, outputs, init));
        Right = AddModule("right", new Linear<T>(hidden, outputs, init, bias: false));
    }

    public Parameter<T> Scale { get; }
    public Sequential<T> Body { get; }
    public Linear<T> Left { get; }
    public Linear<T> Right { get; }

    public Var<T> Forward(Var<T> x)
    {
        var h = Body.Forward(x);
        return (Left.Forward(h) + Right.Forward<SigmoidOperator>(h)) * Scale;
    }
}

/// <summary>Modules: names and their order, moving, state dicts and their refusals, and the one-call gradient check.</summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class ModuleTests(string deviceName)
{
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    [Test]
    public void ParametersAreNamedAsPyTorchNamesThemInRegistrationOrder()
    {
        using var model = new TwoHeads<float>(new Initializer(_device, 1));
        var names = model.NamedParameters().Select(p => p.Name).ToArray();
        // torch: own parameters first, then each child depth first; Sequential children "0", "1" (Tanh, no parameters), "2".
        Assert.That(names, Is.EqualTo(new[] { "scale", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "left.weight", "left.bias", "right.weight" }));
        Assert.That(model.Parameters().Select(p => p.Shape.ToArray()), Is.EqualTo(new[] { new[] { 2 }, [4, 3], [4], [4, 4], [4], [2, 4], [2], [2, 4] }));
        Assert.That(model.ParameterCount, Is.EqualTo(2 + 12 + 4 + 16 + 4 + 8 + 2 + 8));
        Assert.That(model.Children.Select(c => c.Name), Is.EqualTo(new[] { "body", "left", "right" }));
        Assert.That(model.ToString(), Does.Contain("(body): Sequential").And.Contain("(0): Linear(3 → 4)").And.Contain("(1): Tanh").And.Contain("(right): Linear(4 → 2, no bias)"));
    }

    [Test]
    public void NamesThatWouldBeAmbiguousAreRefused()
    {
        Assert.That(() => new BadNames(_device, "a.b"), Throws.ArgumentException.With.Message.Contain("'a.b' contains a dot"));
        Assert.That(() => new BadNames(_device, "twice"), Throws.ArgumentException.With.Message.Contain("'twice' is already taken"));
    }

    private sealed class BadNames : Module<float>
    {
        public BadNames(Device device, string name)
        {
            AddParameter("twice", Tensor<float>.Zeros(Shape.Vector(1), device));
            AddParameter(name, Tensor<float>.Zeros(Shape.Vector(1), device));
        }
    }

    [Test]
    public void LinearComputesXTimesWTransposedPlusBias()
    {
        using var layer = new Linear<double>(5, 3, new Initializer(_device, 4));
        double[] x = Enumerable.Range(0, 10).Select(i => Math.Sin(i + 1.0)).ToArray();
        using var input = Tensor<double>.FromArray(x, Shape.Matrix(2, 5), _device);
        var w = layer.Weight.Value.ToArray();
        var b = layer.Bias!.Value.ToArray();
        using var scope = Tape.NoGrad();
        var y = layer.Forward(Var<double>.Constant(input)).Value.ToArray();
        var relu = layer.Forward<ReluOperator>(Var<double>.Constant(input)).Value.ToArray();
        for (int r = 0; r < 2; r++)
            for (int o = 0; o < 3; o++)
            {
                double expected = b[o];
                for (int i = 0; i < 5; i++) expected += x[r * 5 + i] * w[o * 5 + i];
                Assert.That(y[r * 3 + o], Is.EqualTo(expected).Within(1e-14), $"y[{r}, {o}]");
                Assert.That(relu[r * 3 + o], Is.EqualTo(Math.Max(expected, 0)).Within(1e-14), $"relu y[{r}, {o}]");
            }
        Assert.That(() => layer.Forward(Var<double>.Constant(Tensor<double>.Zeros(Shape.Matrix(2, 4), _device), takeOwnership: true)),
            Throws.ArgumentException.With.Message.Contain("Linear(5 → 3): the input has shape [2, 4] but must be [B, 5]"));
    }

    [Test]
    public void InitializationsDrawThePhiloxNumbersWithinTheirBounds()
    {
        const ulong seed = 9;
        const int inputs = 30, outputs = 20;
        foreach (var scheme in Enum.GetValues<LinearInitialization>())
        {
            var init = new Initializer(_device, seed);
            using var layer = new Linear<double>(inputs, outputs, init, scheme);
            var w = layer.Weight.Value.ToArray();
            var b = layer.Bias!.Value.ToArray();
            Assert.That(init.NextStream, Is.EqualTo(2), "one stream per tensor");
            // The independent reference: stream 0 of the seed, element by element, mapped as the scheme says.
            double uniformBound = scheme switch
            {
                LinearInitialization.PyTorch => 1 / Math.Sqrt(inputs),
                LinearInitialization.XavierUniform => Math.Sqrt(6.0 / (inputs + outputs)),
                LinearInitialization.KaimingUniform => Math.Sqrt(6.0 / inputs),
                _ => double.NaN,
            };
            double normalDeviation = scheme switch
            {
                LinearInitialization.XavierNormal => Math.Sqrt(2.0 / (inputs + outputs)),
                LinearInitialization.StandardNormal => 1.0,
                _ => Math.Sqrt(2.0 / inputs),
            };
            for (int i = 0; i < w.Length; i++)
            {
                double expected = double.IsNaN(uniformBound)
                    ? RandomStreams.Normal(seed, 0, i, 0.0, normalDeviation)
                    : (2 * RandomStreams.Uniform<double>(seed, 0, i) - 1) * uniformBound;
                Assert.That(w[i], Is.EqualTo(expected), $"{scheme} weight element {i}");
                if (!double.IsNaN(uniformBound)) Assert.That(Math.Abs(w[i]), Is.LessThanOrEqualTo(uniformBound));
            }
            if (scheme == LinearInitialization.PyTorch)
                for (int i = 0; i < b.Length; i++) Assert.That(b[i], Is.EqualTo((2 * RandomStreams.Uniform<double>(seed, 1UL << 32, i) - 1) * (1 / Math.Sqrt(inputs))), $"bias {i}");
            else Assert.That(b, Is.All.EqualTo(0.0), $"{scheme} bias");
            // Spread: the sample standard deviation of 600 draws is within 15% of the scheme's.
            double expectedDeviation = double.IsNaN(uniformBound) ? normalDeviation : uniformBound / Math.Sqrt(3);
            double mean = w.Average(), deviation = Math.Sqrt(w.Sum(v => (v - mean) * (v - mean)) / (w.Length - 1));
            Assert.That(deviation, Is.EqualTo(expectedDeviation).Within(0.15 * expectedDeviation), $"{scheme} spread");
        }
    }

    [Test]
    public void EveryDeviceAndElementTypeStartsFromTheSameNumbers()
    {
        using var here = new TwoHeads<float>(new Initializer(_device, 21));
        using var host = new TwoHeads<double>(new Initializer(Device.Host, 21));
        var a = here.Parameters();
        var b = host.Parameters();
        for (int k = 0; k < a.Count; k++)
            Assert.That(a[k].Value.ToArray(), Is.EqualTo(b[k].Value.ToArray().Select(v => (float)v).ToArray()), here.NamedParameters()[k].Name);
    }

    [Test]
    public void SequentialFusesLinearAndActivationWithTheSameValuesAsApart()
    {
        var init = new Initializer(_device, 2);
        using var model = new Sequential<double>(new Linear<double>(6, 5, init), new Activation<double, EluOperator>(), new Linear<double>(5, 4, init), new Activation<double, TanhOperator>(), new Flatten<double>());
        using var input = Tensor<double>.Uniform(Shape.Matrix(3, 6), 5, device: _device);
        using var scope = Tape.NoGrad();
        var x = Var<double>.Constant(input);
        var fused = model.Forward(x).Value.ToArray();
        var apart = x;
        for (int i = 0; i < model.Count; i++) apart = model[i].Forward(apart);
        Assert.That(fused, Is.EqualTo(apart.Value.ToArray()).Within(1e-15));
    }

    [Test]
    public void FlattenAndReshapeKeepTheBatchAxisAndPassGradientsBack()
    {
        using var flat = Tensor<double>.Uniform(Shape.Matrix(2, 12), 3, device: _device);
        using var reshape = new Reshape<double>(3, 2, 2);
        using var flatten = new Flatten<double>();
        var result = GradCheck.Check(v =>
        {
            var image = reshape.Forward(v[0]);
            Assert.That(image.Shape, Is.EqualTo(new Shape(2, 3, 2, 2)));
            var back = flatten.Forward(Ops.Square(image));
            Assert.That(back.Shape, Is.EqualTo(Shape.Matrix(2, 12)));
            return Ops.Sum(back);
        }, [flat]);
        Assert.That(result.Passed, Is.True, result.ToString());
        Assert.That(() => new Reshape<double>(5).Forward(Var<double>.Constant(flat)), Throws.ArgumentException.With.Message.Contain("Reshape(B, 5): the input [2, 12] does not hold 5 elements per example"));
    }

    [Test]
    public void ActivationLayersAreTheirOperatorsAndPassTheGradientCheck()
    {
        using var input = Tensor<double>.FromArray([-1.3, -0.4, 0.2, 0.9, 1.7, 2.5], Shape.Matrix(2, 3), _device);
        Layer<double>[] layers = [new Activation<double, ReluOperator>(), new Activation<double, TanhOperator>(), new Activation<double, EluOperator>(), new Activation<double, SigmoidOperator>(), new Activation<double, SoftplusOperator>()];
        Func<double, double>[] references = [v => Math.Max(v, 0), Math.Tanh, v => v > 0 ? v : Math.Exp(v) - 1, v => 1 / (1 + Math.Exp(-v)), v => Math.Log(1 + Math.Exp(v))];
        var x = input.ToArray();
        for (int k = 0; k < layers.Length; k++)
        {
            using (Tape.NoGrad())
            {
                var y = layers[k].Forward(Var<double>.Constant(input)).Value.ToArray();
                for (int i = 0; i < x.Length; i++) Assert.That(y[i], Is.EqualTo(references[k](x[i])).Within(1e-12), $"{layers[k]} at {x[i]}");
            }
            var layer = layers[k];
            var check = GradCheck.Check(v => Ops.Sum(layer.Forward(v[0])), [input]);
            Assert.That(check.Passed, Is.True, $"{layer}: {check}");
        }
    }

    [Test]
    public void AStateDictRoundTripsThroughSafeTensorsAndIntoAnotherModel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"module-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var original = new TwoHeads<float>(new Initializer(_device, 5));
            original.Save(path, new Dictionary<string, string> { ["note"] = "kept" });
            using var other = new TwoHeads<float>(new Initializer(_device, 6));
            Assert.That(other.Parameters()[1].Value.ToArray(), Is.Not.EqualTo(original.Parameters()[1].Value.ToArray()));
            var metadata = other.Load(path);
            Assert.That(metadata["note"], Is.EqualTo("kept"));
            for (int k = 0; k < original.Parameters().Count; k++)
                Assert.That(other.Parameters()[k].Value.ToArray(), Is.EqualTo(original.Parameters()[k].Value.ToArray()), original.NamedParameters()[k].Name);
            // Float32 weights load into a float64 model exactly, and the file is a plain safetensors file.
            using var wide = new TwoHeads<double>(new Initializer(Device.Host, 7));
            wide.Load(path);
            Assert.That(wide.Parameters()[1].Value.ToArray(), Is.EqualTo(original.Parameters()[1].Value.ToArray().Select(v => (double)v).ToArray()));
            var (tensors, _) = SafeTensorsFile.Read(path);
            Assert.That(tensors.Select(t => t.Name), Is.EquivalentTo(original.NamedParameters().Select(p => p.Name)));
            Assert.That(tensors.All(t => t.DType == "F32"), Is.True);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return new TestCaseData((Func<StateDict, StateDict>)(s => new StateDict(s.Where(t => t.Name != "left.bias"))),
            "tensor 'left.bias' is missing; the TwoHeads needs it with shape [2]").SetName("{m}(missing)");
        yield return new TestCaseData((Func<StateDict, StateDict>)(s => new StateDict([.. s, new NamedTensor("extra.weight", "F32", [2, 2], new double[4])])),
            "tensor 'extra.weight' [2, 2] is unexpected: the TwoHeads has no parameter of that name").SetName("{m}(unexpected)");
        yield return new TestCaseData((Func<StateDict, StateDict>)(s => Replace(s, new NamedTensor("body.0.weight", "F32", [3, 4], new double[12]))),
            "tensor 'body.0.weight' has shape [3, 4] but the TwoHeads needs [4, 3]").SetName("{m}(transposed)");
        yield return new TestCaseData((Func<StateDict, StateDict>)(s => Replace(s, new NamedTensor("scale", "F64", [2, 1], new double[2]))),
            "tensor 'scale' has shape [2, 1] but the TwoHeads needs [2]").SetName("{m}(same length, other shape)");
    }

    private static StateDict Replace(StateDict state, NamedTensor tensor) => new(state.Select(t => t.Name == tensor.Name ? tensor : t));

    [TestCaseSource(nameof(Refusals))]
    public void ALoadThatDoesNotFitIsRefusedNamingTheKeyAndShapesAndChangesNothing(Func<StateDict, StateDict> edit, string message)
    {
        using var source = new TwoHeads<float>(new Initializer(_device, 8));
        using var target = new TwoHeads<float>(new Initializer(_device, 9));
        var loaded = edit(source.StateDict());
        var before = target.Parameters().Select(p => p.Value.ToArray()).ToList();
        var error = Assert.Throws<StateDictException>(() => target.LoadStateDict(loaded))!;
        Assert.That(error.Message, Does.Contain(message));
        Assert.That(target.Parameters().Select(p => p.Value.ToArray()), Is.EqualTo(before), "nothing was loaded");
    }

    [Test]
    public void ANonStrictLoadSkipsMissingAndUnexpectedNamesButNotShapes()
    {
        using var source = new TwoHeads<float>(new Initializer(_device, 8));
        using var target = new TwoHeads<float>(new Initializer(_device, 9));
        var partial = new StateDict(source.StateDict().Where(t => t.Name.StartsWith("left.", StringComparison.Ordinal)));
        partial.Add(new NamedTensor("unknown", "F32", [1], [0.0]));
        var rightBefore = target.Right.Weight.Value.ToArray();
        target.LoadStateDict(partial, strict: false);
        Assert.That(target.Left.Weight.Value.ToArray(), Is.EqualTo(source.Left.Weight.Value.ToArray()));
        Assert.That(target.Right.Weight.Value.ToArray(), Is.EqualTo(rightBefore));
    }

    [Test]
    public void ToMovesEveryParameterAndKeepsTheValues()
    {
        var other = _device.Name == "host" ? AutogradDevices.Other(_device) : Device.Host;
        if (other is null) Assert.Ignore("no second usable device to move to");
        using var model = new TwoHeads<float>(new Initializer(_device, 12));
        var values = model.Parameters().Select(p => p.Value.ToArray()).ToList();
        model.To(other!);
        Assert.That(model.Parameters().Select(p => p.Device), Is.All.SameAs(other));
        Assert.That(model.Device, Is.SameAs(other));
        Assert.That(model.Parameters().Select(p => p.Value.ToArray()), Is.EqualTo(values));
        using var x = Tensor<float>.Uniform(Shape.Matrix(2, 3), 1, device: other);
        using var tape = new Tape();
        Ops.Sum(model.Forward(Var<float>.Constant(x))).Backward();
        Assert.That(model.Parameters().All(p => p.Gradient is { } g && ReferenceEquals(g.Device, other)), Is.True, "gradients on the new device");
    }

    [Test]
    public void OneCallChecksTheGradientOfAWholeModulesLoss()
    {
        using var model = new TwoHeads<double>(new Initializer(_device, 3));
        using var x = Tensor<double>.Uniform(Shape.Matrix(4, 3), 17, device: _device);
        using var target = Tensor<double>.Normal(Shape.Matrix(4, 2), 18, device: _device);
        var before = model.Parameters().Select(p => p.Value.ToArray()).ToList();
        Var<double> Loss() => Ops.Mean(Ops.Square(model.Forward(Var<double>.Constant(x)) - Var<double>.Constant(target)));
        var full = GradCheck.AssertModule(model, Loss);
        Assert.That(full.Comparisons, Is.EqualTo(model.ParameterCount));
        Assert.That(full.InputNames, Is.EqualTo(model.NamedParameters().Select(p => p.Name)));
        Assert.That(full.LargestNumeric, Is.GreaterThan(1e-3), "the loss depends on the parameters");
        var projected = GradCheck.CheckModule(model, Loss, new GradCheckOptions { Mode = GradCheckMode.RandomProjection, Projections = 6 });
        Assert.That(projected.Passed, Is.True, projected.ToString());
        Assert.That(model.Parameters().Select(p => p.Value.ToArray()), Is.EqualTo(before), "the parameters are restored exactly");
    }

    [Test]
    public void TheModuleCheckRejectsAWrongDerivativeAndNamesTheParameter()
    {
        using var model = new TwoHeads<double>(new Initializer(_device, 3));
        using var x = Tensor<double>.Uniform(Shape.Matrix(2, 3), 17, device: _device);
        // The value reaches 'scale' twice; OverwritingDoubleOperation's backward overwrites instead of adding.
        var result = GradCheck.CheckModule(model, () =>
        {
            var y = model.Forward(Var<double>.Constant(x));
            return Ops.Sum(OverwritingDoubleOperation.Apply(model.Scale) * Ops.Sum(y) + model.Scale);
        });
        Assert.That(result.Passed, Is.False, result.ToString());
        Assert.That(result.InputName(result.WorstInput), Is.EqualTo("scale"));
        Assert.That(result.ToString(), Does.Contain("scale [2] element"));
    }
}
