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
        new UnaryCase<Identity>(x => x, _ => 1, -5, 5),
        new UnaryCase<Negate>(x => -x, _ => -1, -5, 5),
        new UnaryCase<Square>(x => x * x, x => 2 * x, -5, 5),
        new UnaryCase<Relu>(x => Math.Max(x, 0), x => x > 0 ? 1 : 0, -5, 5, kink: 0),
        new UnaryCase<Sigmoid>(ReferenceSigmoid, x => ReferenceSigmoid(x) * ReferenceSigmoid(-x), -12, 12),
        new UnaryCase<Tanh>(Math.Tanh, x => 1 / (Math.Cosh(x) * Math.Cosh(x)), -6, 6),
        new UnaryCase<Exp>(Math.Exp, Math.Exp, -10, 10),
        new UnaryCase<Log>(Math.Log, x => 1 / x, 0.01, 50),
        new UnaryCase<Sqrt>(Math.Sqrt, x => 0.5 / Math.Sqrt(x), 0.01, 50),
        new UnaryCase<Softplus>(x => Math.Max(x, 0) + double.LogP1(Math.Exp(-Math.Abs(x))), ReferenceSigmoid, -20, 20),
        new UnaryCase<Elu>(x => x > 0 ? x : double.ExpM1(x), x => x > 0 ? 1 : Math.Exp(x), -5, 5, kink: 0),
    ];

    /// <summary>The binary operators.</summary>
    public static readonly BinaryCase[] Binary =
    [
        new BinaryCase<Add>((a, b) => a + b),
        new BinaryCase<Subtract>((a, b) => a - b),
        new BinaryCase<Multiply>((a, b) => a * b),
        new BinaryCase<Divide>((a, b) => a / b, nonZeroB: true),
        new BinaryCase<Maximum>(Math.Max),
    ];
}
