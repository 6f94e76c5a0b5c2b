using System.Numerics;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Support;

/// <summary>Every operator with its float64 reference.</summary>
public static class OperatorCases
{
    private static double ReferenceSigmoid(double x) => x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    /// <summary>The unary operators. References use the textbook definitions; softplus uses log1p, which the kernels do not.</summary>
    public static readonly UnaryCase[] Unary =
    [
        new UnaryCase<IdentityOperator>(x => x, _ => 1, -5, 5),
        new UnaryCase<NegateOperator>(x => -x, _ => -1, -5, 5),
        new UnaryCase<SquareOperator>(x => x * x, x => 2 * x, -5, 5),
        new UnaryCase<ReluOperator>(x => Math.Max(x, 0), x => x > 0 ? 1 : 0, -5, 5, kink: 0),
        new UnaryCase<SigmoidOperator>(ReferenceSigmoid, x => ReferenceSigmoid(x) * ReferenceSigmoid(-x), -12, 12),
        new UnaryCase<TanhOperator>(Math.Tanh, x => 1 / (Math.Cosh(x) * Math.Cosh(x)), -6, 6),
        new UnaryCase<ExpOperator>(Math.Exp, Math.Exp, -10, 10),
        new UnaryCase<LogOperator>(Math.Log, x => 1 / x, 0.01, 50),
        new UnaryCase<SqrtOperator>(Math.Sqrt, x => 0.5 / Math.Sqrt(x), 0.01, 50),
        new UnaryCase<SoftplusOperator>(x => Math.Max(x, 0) + double.LogP1(Math.Exp(-Math.Abs(x))), ReferenceSigmoid, -20, 20),
        new UnaryCase<EluOperator>(x => x > 0 ? x : double.ExpM1(x), x => x > 0 ? 1 : Math.Exp(x), -5, 5, kink: 0),
    ];

    /// <summary>The binary operators.</summary>
    public static readonly BinaryCase[] Binary =
    [
        new BinaryCase<AddOperator>((a, b) => a + b),
        new BinaryCase<SubtractOperator>((a, b) => a - b),
        new BinaryCase<MultiplyOperator>((a, b) => a * b),
        new BinaryCase<DivideOperator>((a, b) => a / b, nonZeroB: true),
        new BinaryCase<MaximumOperator>(Math.Max),
    ];
}
