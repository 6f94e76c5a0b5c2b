using NUnit.Framework;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;

namespace ScratchVae.Tests.Autograd;

/// <summary>
/// One operation under test: differentiable inputs (the checker perturbs them), constant tensors (not
/// differentiated, e.g. the ε of the reparameterization) and the function that applies the operation.
/// </summary>
public sealed record OperationCase(
    string Name,
    InputSpec[] Inputs,
    Func<IReadOnlyList<Var<double>>, IReadOnlyList<Tensor<double>>, Var<double>> Function,
    InputSpec[]? Constants = null)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Every differentiable operation, with the shapes and broadcasting modes it supports.</summary>
public static class OperationCases
{
    private static InputSpec M(int rows, int columns, InputKind kind = InputKind.Any) => new(Shape.Matrix(rows, columns), kind);
    private static InputSpec V(int length, InputKind kind = InputKind.Any) => new(Shape.Vector(length), kind);
    private static InputSpec S(InputKind kind = InputKind.Any) => new(Shape.Scalar, kind);

    private static OperationCase Case(string name, Func<IReadOnlyList<Var<double>>, Var<double>> function, params InputSpec[] inputs)
        => new(name, inputs, (v, _) => function(v));

    /// <summary>The binary operations over every broadcasting layout (the second operand of the pair is broadcast unless noted).</summary>
    private static IEnumerable<OperationCase> Binary(string name, Func<Var<double>, Var<double>, Var<double>> op, InputKind right)
    {
        yield return Case($"{name} [3,4]∘[3,4]", v => op(v[0], v[1]), M(3, 4), M(3, 4, right));
        yield return Case($"{name} [3,4]∘row [4]", v => op(v[0], v[1]), M(3, 4), V(4, right));
        yield return Case($"{name} [3,4]∘row [1,4]", v => op(v[0], v[1]), M(3, 4), M(1, 4, right));
        yield return Case($"{name} [3,4]∘column [3,1]", v => op(v[0], v[1]), M(3, 4), M(3, 1, right));
        yield return Case($"{name} [3,4]∘scalar []", v => op(v[0], v[1]), M(3, 4), S(right));
        yield return Case($"{name} row [4]∘[3,4]", v => op(v[0], v[1]), V(4), M(3, 4, right));
        yield return Case($"{name} column [3,1]∘[3,4]", v => op(v[0], v[1]), M(3, 1), M(3, 4, right));
        yield return Case($"{name} scalar [1]∘[3,4]", v => op(v[0], v[1]), V(1), M(3, 4, right));
        yield return Case($"{name} x∘x + x (same value twice)", v => op(v[0], v[0]) + v[0], M(2, 3, right));
    }

    private static IEnumerable<OperationCase> Unary()
    {
        yield return Case("negate", v => Ops.Negate(v[0]), M(3, 4));
        yield return Case("exp", v => Ops.Exp(v[0]), M(3, 4));
        yield return Case("log", v => Ops.Log(v[0]), M(3, 4, InputKind.Positive));
        yield return Case("relu", v => Ops.Relu(v[0]), M(3, 4));
        yield return Case("sigmoid", v => Ops.Sigmoid(v[0]), M(3, 4));
        yield return Case("tanh", v => Ops.Tanh(v[0]), M(3, 4));
        yield return Case("softplus", v => Ops.Softplus(v[0]), M(3, 4));
        yield return Case("elu", v => Ops.Elu(v[0]), M(3, 4));
        yield return Case("square", v => Ops.Square(v[0]), M(3, 4));
        yield return Case("sqrt", v => Ops.Sqrt(v[0]), M(3, 4, InputKind.Positive));
        yield return Case("sigmoid of a vector [5]", v => Ops.Sigmoid(v[0]), V(5));
        yield return Case("affine 2x+3", v => v[0] * 2.0 + 3.0, M(3, 4));
        yield return Case("affine 1.5-x", v => 1.5 - v[0], M(3, 4));
        yield return Case("affine x/4", v => v[0] / 4.0, M(3, 4));
    }

    private static IEnumerable<OperationCase> Reductions()
    {
        yield return Case("sum all", v => Ops.Sum(v[0]), M(3, 4));
        yield return Case("sum axis 0 (over rows)", v => Ops.Sum(v[0], 0), M(3, 4));
        yield return Case("sum axis 1 (over columns)", v => Ops.Sum(v[0], 1), M(3, 4));
        yield return Case("sum axis -1 keep", v => Ops.Sum(v[0], -1, keepDimension: true), M(3, 4));
        yield return Case("mean all", v => Ops.Mean(v[0]), M(3, 4));
        yield return Case("mean axis 0", v => Ops.Mean(v[0], 0), M(3, 4));
        yield return Case("mean axis 1 keep", v => Ops.Mean(v[0], 1, keepDimension: true), M(3, 4));
        yield return Case("logsumexp", v => Ops.LogSumExpColumns(v[0]), M(3, 4));
        yield return Case("logsumexp keep", v => Ops.LogSumExpColumns(v[0], keepDimension: true), M(3, 4));
        yield return Case("logsumexp of large values (x + 500)", v => Ops.LogSumExpColumns(v[0] + 500.0), M(3, 4));
    }

    private static IEnumerable<OperationCase> Layout()
    {
        yield return new OperationCase("reshape [2,6]→[3,4] ⊙ c", [M(2, 6)], (v, c) => Ops.Reshape(v[0], Shape.Matrix(3, 4)) * Var<double>.Constant(c[0]), [M(3, 4)]);
        yield return Case("slice columns 1…3 of [3,5]", v => Ops.SliceColumns(v[0], 1, 3), M(3, 5));
        yield return Case("slice, then both halves used", v => Ops.SliceColumns(v[0], 0, 2) * Ops.SliceColumns(v[0], 2, 2), M(3, 4));
        yield return Case("concatenate [3,2]|[3,3]|[3,2] (a twice)", v => Ops.ConcatenateColumns(v[0], v[1], v[0]), M(3, 2), M(3, 3));
    }

    private static IEnumerable<OperationCase> MatMul()
    {
        yield return Case("matmul A·B", v => Ops.MatMul(v[0], v[1]), M(3, 4), M(4, 2));
        yield return Case("matmul Aᵀ·B", v => Ops.MatMul(v[0], v[1], transposeA: true), M(4, 3), M(4, 2));
        yield return Case("matmul A·Bᵀ", v => Ops.MatMul(v[0], v[1], transposeB: true), M(3, 4), M(2, 4));
        yield return Case("matmul Aᵀ·Bᵀ", v => Ops.MatMul(v[0], v[1], true, true), M(4, 3), M(2, 4));
        yield return Case("matmul X·Xᵀ (same value twice)", v => Ops.MatMul(v[0], v[0], transposeB: true), M(3, 4));
    }

    private static IEnumerable<OperationCase> Fused()
    {
        yield return Case("bias+relu", v => Ops.AddBiasActivation<double, ReluOperator>(v[0], v[1]), M(3, 4), V(4));
        yield return Case("bias+sigmoid", v => Ops.AddBiasActivation<double, SigmoidOperator>(v[0], v[1]), M(3, 4), V(4));
        yield return Case("bias+tanh", v => Ops.AddBiasActivation<double, TanhOperator>(v[0], v[1]), M(3, 4), M(1, 4));
        yield return Case("bias+softplus", v => Ops.AddBiasActivation<double, SoftplusOperator>(v[0], v[1]), M(3, 4), V(4));
        yield return Case("bias+elu", v => Ops.AddBiasActivation<double, EluOperator>(v[0], v[1]), M(3, 4), V(4));
        yield return Case("bias+identity", v => Ops.AddBiasActivation<double, IdentityOperator>(v[0], v[1]), M(3, 4), V(4));
        yield return Case("bias+square, input reused", v => Ops.AddBiasActivation<double, SquareOperator>(v[0], v[1]) * v[0], M(3, 4), V(4));
    }

    private static IEnumerable<OperationCase> Vae()
    {
        yield return Case("bernoulli log-likelihood (logits, targets)", v => Ops.BernoulliLogLikelihood(v[0], v[1]), M(3, 4), M(3, 4, InputKind.Probability));
        yield return Case("bernoulli log-likelihood of large logits (×20)", v => Ops.BernoulliLogLikelihood(v[0] * 20.0, v[1]), M(3, 4), M(3, 4, InputKind.Probability));
        yield return Case("gaussian log-likelihood (x, mean, logVar)", v => Ops.GaussianLogLikelihood(v[0], v[1], v[2]), M(3, 4), M(3, 4), M(3, 4));
        yield return Case("gaussian log-likelihood, fixed variance 0.7", v => Ops.GaussianLogLikelihood(v[0], v[1], 0.7), M(3, 4), M(3, 4));
        yield return Case("kl to standard normal (mu, logVar)", v => Ops.KlDivergenceToStandardNormal(v[0], v[1]), M(3, 2), M(3, 2));
        yield return new OperationCase("reparameterize (mu, logVar; eps constant)", [M(3, 2), M(3, 2)], (v, c) => Ops.Reparameterize(v[0], v[1], c[0]), [M(3, 2)]);
        yield return Case("reparameterize with Philox eps (seed 5, offset 3)", v => Ops.Reparameterize(v[0], v[1], seed: 5, counterOffset: 3), M(3, 2), M(3, 2));
    }

    /// <summary>All cases.</summary>
    public static IEnumerable<OperationCase> All()
    {
        IEnumerable<OperationCase> cases = [];
        cases = cases.Concat(MatMul())
            .Concat(Binary("add", (a, b) => a + b, InputKind.Any))
            .Concat(Binary("subtract", (a, b) => a - b, InputKind.Any))
            .Concat(Binary("multiply", (a, b) => a * b, InputKind.Any))
            .Concat(Binary("divide", (a, b) => a / b, InputKind.Positive))
            .Concat(Unary()).Concat(Reductions()).Concat(Layout()).Concat(Fused()).Concat(Vae());
        return cases;
    }
}
