// Shape legend: C = op(A) · op(B) with op(A) [M, K], op(B) [K, N], C [M, N]; op(X) is X or Xᵀ.
// A is stored [M, K], or [K, M] when transposeA; B is stored [K, N], or [N, K] when transposeB.
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Matrix product C = op(A) · op(B), where op transposes when asked (a transposed operand is read in place,
    /// never copied). A linear layer is <c>MatMul(x, weight)</c> with x [batch, in] and weight [in, out], or
    /// <c>MatMul(x, weight, transposeB: true)</c> with weight stored [out, in] as nn.Linear does.
    /// </summary>
    public static Var<T> MatMul<T>(Var<T> a, Var<T> b, bool transposeA = false, bool transposeB = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = MatMulOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, a, b);
        TensorChecks.Matrix(name, "a", a.Value);
        TensorChecks.Matrix(name, "b", b.Value);
        int m = transposeA ? a.Shape[1] : a.Shape[0];
        int k = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0];
        int n = transposeB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw new ArgumentException(
                $"{name}: inner dimensions differ: op(a) is [{m}, {k}] (a {a.Shape}{(transposeA ? " transposed" : "")}) and op(b) is [{kb}, {n}] (b {b.Shape}{(transposeB ? " transposed" : "")}).");
        return context.Run(new MatMulOperation<T>(a, b, transposeA, transposeB, m, n, k), Shape.Matrix(m, n));
    }
}

/// <summary>C = op(A) · op(B); backward: ∂L/∂op(A) = G · op(B)ᵀ and ∂L/∂op(B) = op(A)ᵀ · G, with G = ∂L/∂C.</summary>
internal sealed class MatMulOperation<T>(Var<T> left, Var<T> right, bool transposeA, bool transposeB, int m, int n, int k)
    : Operation<T>(OperationName, left, right) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "matmul";

    protected override void Forward(Tensor<T> output)
    {
        // C = op(A) · op(B)
        Backend.Gemm(transposeA, transposeB, m, n, k, T.One, Inputs[0].Value.Buffer, Inputs[1].Value.Buffer, T.Zero, output.Buffer);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> a = Inputs[0], b = Inputs[1];
        var g = outputGradient.Buffer; // G [M, N]
        if (GradientTarget(a) is { } ta)
        {
            if (!transposeA)
            {
                // A [M, K]: ∂L/∂A = G · op(B)ᵀ; op(B)ᵀ is B read transposed, or B itself when op(B) = Bᵀ.
                Backend.Gemm(false, !transposeB, m, k, n, T.One, g, b.Value.Buffer, ta.Beta, ta.Buffer);
            }
            else
            {
                // A stored [K, M]: ∂L/∂A = (G · op(B)ᵀ)ᵀ = op(B) · Gᵀ.
                Backend.Gemm(transposeB, true, k, m, n, T.One, b.Value.Buffer, g, ta.Beta, ta.Buffer);
            }
        }
        if (GradientTarget(b) is { } tb)
        {
            if (!transposeB)
            {
                // B [K, N]: ∂L/∂B = op(A)ᵀ · G.
                Backend.Gemm(!transposeA, false, k, n, m, T.One, a.Value.Buffer, g, tb.Beta, tb.Buffer);
            }
            else
            {
                // B stored [N, K]: ∂L/∂B = (op(A)ᵀ · G)ᵀ = Gᵀ · op(A).
                Backend.Gemm(true, transposeA, n, k, m, T.One, g, a.Value.Buffer, tb.Beta, tb.Buffer);
            }
        }
    }
}
