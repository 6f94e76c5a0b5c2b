using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

/// <summary>Misuse fails at once with an exception that names the operation and the shapes.</summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class ErrorTests(string deviceName)
{
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    private Var<double> Constant(params int[] shape) => Var<double>.Constant(TestInputs.Create(new InputSpec(new Shape(shape)), 3, _device), takeOwnership: true);

    private Parameter<double> Parameter(params int[] shape) => new(TestInputs.Create(new InputSpec(new Shape(shape)), 4, _device));

    [Test]
    public void BackwardOnANonScalarNeedsASeed()
    {
        using var w = Parameter(4, 2);
        using var tape = new Tape();
        var y = Ops.MatMul(Constant(3, 4), w);
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.That(error!.Message, Does.Contain("matmul").And.Contain("[3, 2]").And.Contain("seed"));

        using var wrongSeed = Tensor<double>.Ones(Shape.Matrix(2, 3), _device);
        var seedError = Assert.Throws<ArgumentException>(() => y.Backward(wrongSeed));
        Assert.That(seedError!.Message, Does.Contain("[2, 3]").And.Contain("[3, 2]").And.Contain("matmul"));
    }

    [Test]
    public void MismatchedShapesNameTheOperationAndBothShapes()
    {
        using var tape = new Tape();
        var cases = new (string Operation, string[] Shapes, TestDelegate Call)[]
        {
            ("add", ["[2, 3]", "[3, 2]"], () => Ops.Add(Constant(2, 3), Constant(3, 2))),
            ("multiply", ["[2, 3]", "[2]"], () => Ops.Multiply(Constant(2, 3), Constant(2))),
            ("divide", ["[4, 3]", "[3, 4]"], () => Ops.Divide(Constant(4, 3), Constant(3, 4))),
            ("matmul", ["[2, 3]", "[2, 3]"], () => Ops.MatMul(Constant(2, 3), Constant(2, 3))),
            ("matmul", ["[3]"], () => Ops.MatMul(Constant(2, 3), Constant(3))),
            ("concatenate", ["[2, 3]", "[3, 3]"], () => Ops.ConcatenateColumns(Constant(2, 3), Constant(3, 3))),
            ("slice", ["[2, 3]"], () => Ops.SliceColumns(Constant(2, 3), 2, 2)),
            ("reshape", ["[2, 3]", "[4]"], () => Ops.Reshape(Constant(2, 3), Shape.Vector(4))),
            ("bias+relu", ["[2, 3]", "[2]"], () => Ops.AddBiasActivation<double, ReluOperator>(Constant(2, 3), Constant(2))),
            ("bernoulli-log-likelihood", ["[2, 3]", "[3, 2]"], () => Ops.BernoulliLogLikelihood(Constant(2, 3), Constant(3, 2))),
            ("kl-divergence", ["[2, 3]", "[2, 2]"], () => Ops.KlDivergenceToStandardNormal(Constant(2, 3), Constant(2, 2))),
            ("gaussian-log-likelihood", ["[2, 3]", "[2, 4]"], () => Ops.GaussianLogLikelihood(Constant(2, 3), Constant(2, 3), Constant(2, 4))),
            ("sum", ["[2, 3, 4]"], () => Ops.Sum(Constant(2, 3, 4), 1)),
        };
        foreach (var (operation, shapes, call) in cases)
        {
            var error = Assert.Catch<ArgumentException>(call, operation);
            Assert.That(error!.Message, Does.StartWith(operation + ":"), operation);
            foreach (var shape in shapes) Assert.That(error.Message, Does.Contain(shape), $"{operation}: {error.Message}");
        }
        using var eps = Tensor<double>.Zeros(Shape.Matrix(3, 2), _device);
        var epsError = Assert.Throws<ArgumentException>(() => Ops.Reparameterize(Constant(2, 3), Constant(2, 3), eps));
        Assert.That(epsError!.Message, Does.Contain("reparameterize").And.Contain("[3, 2]").And.Contain("[2, 3]"));
    }

    [Test]
    public void MixingDevicesIsRefusedNamingBothDevices()
    {
        var other = AutogradDevices.Other(_device);
        if (other is null) Assert.Ignore($"Only '{_device.Name}' is usable here; mixing devices needs a second one.");
        using var tape = new Tape();
        var a = Var<double>.Constant(Tensor<double>.Ones(Shape.Matrix(2, 3), _device), takeOwnership: true);
        var b = Var<double>.Constant(Tensor<double>.Ones(Shape.Vector(3), other!), takeOwnership: true);
        var error = Assert.Throws<ArgumentException>(() => Ops.Add(a, b));
        Assert.That(error!.Message, Does.Contain("add").And.Contain(_device.Name).And.Contain(other!.Name).And.Contain("[2, 3]").And.Contain("[3]"));
        using var seed = Tensor<double>.Ones(Shape.Scalar, other);
        using var w = Parameter(3);
        var loss = Ops.Sum(w);
        var seedError = Assert.Throws<ArgumentException>(() => loss.Backward(seed));
        Assert.That(seedError!.Message, Does.Contain(other.Name).And.Contain(_device.Name));
    }

    [Test]
    public void MixingElementTypesDoesNotCompile()
    {
        // Var<float> and Var<double> cannot meet in one operation: Ops are generic in one T, so the compiler
        // refuses the mix. What can be checked at run time is that both element types run the same operations.
        using var tape = new Tape();
        var single = Var<float>.Constant(Tensor<float>.Ones(Shape.Vector(2), _device), takeOwnership: true);
        var twice = Var<double>.Constant(Tensor<double>.Ones(Shape.Vector(2), _device), takeOwnership: true);
        Assert.That(Ops.Sum(single + single).Value.Item(), Is.EqualTo(4f));
        Assert.That(Ops.Sum(twice + twice).Value.Item(), Is.EqualTo(4.0));
        Assert.That(typeof(Ops).GetMethod(nameof(Ops.Add))!.GetGenericArguments(), Has.Length.EqualTo(1));
    }

    [Test]
    public void UsingAFreedValueNamesTheOperationThatMadeIt()
    {
        using var w = Parameter(2, 2);
        using var tape = new Tape();
        var hidden = Ops.Tanh(w);
        tape.Reset();
        var error = Assert.Throws<ObjectDisposedException>(() => Ops.Exp(hidden));
        Assert.That(error!.Message, Does.Contain("exp").And.Contain("tanh").And.Contain("[2, 2]").And.Contain("freed"));
        var valueError = Assert.Throws<ObjectDisposedException>(() => _ = hidden.Value);
        Assert.That(valueError!.Message, Does.Contain("tanh").And.Contain("[2, 2]"));

        // An input freed between forward and backward is reported by the operation that needed it.
        var input = Ops.Sigmoid(w);
        var loss = Ops.Sum(Ops.Square(input));
        input.Dispose();
        var backwardError = Assert.Throws<ObjectDisposedException>(() => loss.Backward());
        Assert.That(backwardError!.Message, Does.Contain("square").And.Contain("sigmoid").And.Contain("[2, 2]"));
    }

    [Test]
    public void OperationsNeedAnActiveScope()
    {
        using var w = Parameter(2);
        Assume.That(Tape.Current, Is.Null);
        var error = Assert.Throws<InvalidOperationException>(() => Ops.Exp(w));
        Assert.That(error!.Message, Does.Contain("exp").And.Contain("no tape is active"));
    }

    [Test]
    public void ValuesCannotCrossTapes()
    {
        using var w = Parameter(2);
        using var first = new Tape();
        var hidden = Ops.Exp(w);
        using var second = new Tape();
        var error = Assert.Throws<InvalidOperationException>(() => Ops.Tanh(hidden));
        Assert.That(error!.Message, Does.Contain("tanh").And.Contain("exp").And.Contain("another tape"));
    }
}
