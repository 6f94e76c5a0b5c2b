using NUnit.Framework;
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

// The test operators build their constants from T.One by arithmetic: ILGPU cannot compile T.CreateTruncating.

/// <summary>x² with a wrong derivative (3x instead of 2x), to prove the checker can fail.</summary>
public readonly struct WrongSquare : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "wrong-square";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x * x;
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => x + x + x;
}

/// <summary>tanh whose derivative is 1/64 (1.6%) too large only where x &gt; 1.25: a subtle, local bug.</summary>
public readonly struct LocallyWrongTanh : IUnaryOperator
{
    /// <inheritdoc />
    public static string Name => "locally-wrong-tanh";
    /// <inheritdoc />
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
    /// <inheritdoc />
    public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T four = (T.One + T.One) * (T.One + T.One);
        T threshold = T.One + T.One / four;             // 1.25
        T factor = T.One + T.One / (four * four * four); // 1 + 1/64
        return (T.One - y * y) * (x > threshold ? factor : T.One);
    }
}

/// <summary>y = 2x whose backward overwrites the input's gradient instead of adding to it: wrong whenever x is used elsewhere too.</summary>
internal sealed class OverwritingDoubleOperation(Var<double> x) : Operation<double>("overwriting-double", x)
{
    public static Var<double> Apply(Var<double> x) =>
        ForwardContext<double>.Begin("overwriting-double", x).Run(new OverwritingDoubleOperation(x), x.Shape);

    protected override void Forward(Tensor<double> output) => Backend.Axpby(2.0, Inputs[0].Value.Buffer, 0.0, output.Buffer, output.Length);

    protected override void Backward(Tensor<double> outputGradient)
    {
        if (GradientTarget(Inputs[0]) is { } target)
            Backend.Axpby(2.0, outputGradient.Buffer, 0.0, target.Buffer, outputGradient.Length); // bug: ignores target.Beta
    }
}

/// <summary>The gradient checker itself: it must reject wrong derivatives and say where they are.</summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class GradCheckTests(string deviceName)
{
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    [Test]
    public void AWrongDerivativeFailsAndTheWorstElementIsReported()
    {
        double[] values = [0.3, -0.8, 1.9, 0.5, -1.1, 0.7];
        using var x = Tensor<double>.FromArray(values, Shape.Matrix(2, 3), _device);
        var result = GradCheck.Check(v => Ops.Map<double, WrongSquare>(v[0]), [x]);

        Assert.That(result.Passed, Is.False, result.ToString());
        // The Jacobian is diagonal; the largest |x| has the largest error ratio |x| / (atol + rtol · 2|x|).
        Assert.That(result.WorstInput, Is.EqualTo(0));
        Assert.That(result.WorstElement, Is.EqualTo(2));
        Assert.That(result.WorstOutputElement, Is.EqualTo(2));
        Assert.That(result.Analytic, Is.EqualTo(3 * 1.9).Within(1e-12), "the wrong rule's value");
        Assert.That(result.Numeric, Is.EqualTo(2 * 1.9).Within(1e-6), "the true derivative");
        Assert.That(result.WorstError, Is.EqualTo(1.9).Within(1e-6));
        Assert.That(result.Comparisons, Is.EqualTo(36), "a full 6 × 6 Jacobian");
        Assert.That(result.ToString(), Does.Contain("FAILED").And.Contain("input 0 [2, 3] element 2 [0, 2]").And.Contain("output element 2"));
    }

    [Test]
    public void ACorrectDerivativePassesWithRoundingSizedErrors()
    {
        using var x = Tensor<double>.FromArray([0.3, -0.8, 1.9, 0.5, -1.1, 0.7], Shape.Matrix(2, 3), _device);
        var result = GradCheck.Check(v => Ops.Square(v[0]), [x]);
        Assert.That(result.Passed, Is.True, result.ToString());
        Assert.That(result.MaxAbsoluteError, Is.LessThan(1e-8), "central differences of a quadratic are exact up to rounding");
        Assert.That(result.LargestNumeric, Is.EqualTo(3.8).Within(1e-6));
    }

    [Test]
    public void ALocalErrorOfOnePointSixPercentIsFoundAtItsElement()
    {
        double[] values = [0.2, -0.9, 0.6, 1.1, 1.45, -0.3, 0.8, -1.2];
        using var x = Tensor<double>.FromArray(values, Shape.Matrix(2, 4), _device);
        var result = GradCheck.Check(v => Ops.Map<double, LocallyWrongTanh>(v[0]), [x]);
        Assert.That(result.Passed, Is.False, result.ToString());
        Assert.That(result.WorstElement, Is.EqualTo(4), "only x = 1.45 exceeds 1.25");
        double derivative = 1 - Math.Tanh(1.45) * Math.Tanh(1.45);
        Assert.That(result.Analytic, Is.EqualTo((1 + 1.0 / 64) * derivative).Within(1e-12));
        Assert.That(result.Numeric, Is.EqualTo(derivative).Within(1e-8));
    }

    [Test]
    public void ABackwardRuleThatOverwritesInsteadOfAddingIsCaught()
    {
        using var x = Tensor<double>.FromArray([0.5, -1.5, 2.0], Shape.Vector(3), _device);
        // y = 2x + x: the add's contribution (1) is overwritten by the buggy rule (2), giving 2 instead of 3.
        var failure = Assert.Throws<GradCheckException>(() => GradCheck.Assert(v => OverwritingDoubleOperation.Apply(v[0]) + v[0], [x]));
        Assert.That(failure!.Result.Analytic, Is.EqualTo(2.0).Within(1e-12));
        Assert.That(failure.Result.Numeric, Is.EqualTo(3.0).Within(1e-6));
        Assert.That(failure.Message, Does.Contain("FAILED").And.Contain("analytic 2").And.Contain("input 0"));
        // Used alone, the same rule is right: the checker is not failing for an unrelated reason.
        Assert.That(GradCheck.Check(v => OverwritingDoubleOperation.Apply(v[0]), [x]).Passed, Is.True);
    }

    [Test]
    public void RandomProjectionsPassForCorrectRulesOnLargeInputsAndCatchWrongOnes()
    {
        var projection = new GradCheckOptions { Mode = GradCheckMode.RandomProjection, Projections = 6 };
        using var a = TestInputs.Create(new InputSpec(Shape.Matrix(16, 24)), 1, _device);
        using var b = TestInputs.Create(new InputSpec(Shape.Matrix(24, 8)), 2, _device);
        var good = GradCheck.Check(v => Ops.Tanh(Ops.MatMul(v[0], v[1])), [a, b], projection);
        Assert.That(good.Passed, Is.True, good.ToString());
        Assert.That(good.Comparisons, Is.EqualTo(6));
        Assert.That(good.LargestNumeric, Is.GreaterThan(1));

        var bad = GradCheck.Check(v => Ops.Map<double, WrongSquare>(Ops.MatMul(v[0], v[1])), [a, b], projection);
        Assert.That(bad.Passed, Is.False, bad.ToString());
        Assert.That(bad.WorstInput, Is.EqualTo(-1));
        Assert.That(bad.ToString(), Does.Contain("projection"));
    }

    [Test]
    public void TheCallersTensorsAreNotModified()
    {
        double[] values = [0.25, -0.5, 1.0];
        using var x = Tensor<double>.FromArray(values, Shape.Vector(3), _device);
        GradCheck.Check(v => Ops.Exp(v[0]), [x]);
        Assert.That(x.ToArray(), Is.EqualTo(values));
    }

    [Test]
    public void InputsTheOutputDoesNotDependOnHaveZeroGradient()
    {
        using var x = Tensor<double>.FromArray([0.25, -0.5], Shape.Vector(2), _device);
        using var unused = Tensor<double>.FromArray([3.0], Shape.Vector(1), _device);
        var result = GradCheck.Check(v => Ops.Exp(v[0]), [x, unused]);
        Assert.That(result.Passed, Is.True, result.ToString());
        Assert.That(result.Comparisons, Is.EqualTo(2 * 2 + 2 * 1));
    }
}
