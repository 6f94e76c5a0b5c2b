// Shape legend: y = f(x) elementwise; x and y have the same shape (any rank).
using System.Numerics;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y = f(x) elementwise for any operator struct (the operators of ScratchVae.Kernels.Operators or your own);
    /// the backward rule uses the operator's own derivative, so a new function needs no new autograd code.
    /// </summary>
    public static Var<T> Map<T, TOperator>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        string name = TOperator.Name;
        var context = ForwardContext<T>.Begin(name, x);
        return context.Run(new MapOperation<T, TOperator>(x), x.Shape);
    }

    /// <summary>y = −x.</summary>
    public static Var<T> Negate<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, NegateOperator>(x);

    /// <summary>y = eˣ.</summary>
    public static Var<T> Exp<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, ExpOperator>(x);

    /// <summary>y = ln x.</summary>
    public static Var<T> Log<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, LogOperator>(x);

    /// <summary>y = max(x, 0) (gradient 0 at x = 0, as PyTorch).</summary>
    public static Var<T> Relu<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, ReluOperator>(x);

    /// <summary>y = 1 / (1 + e⁻ˣ).</summary>
    public static Var<T> Sigmoid<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, SigmoidOperator>(x);

    /// <summary>y = tanh x.</summary>
    public static Var<T> Tanh<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, TanhOperator>(x);

    /// <summary>y = log(1 + eˣ), computed stably.</summary>
    public static Var<T> Softplus<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, SoftplusOperator>(x);

    /// <summary>y = x for x &gt; 0, eˣ − 1 otherwise (α = 1).</summary>
    public static Var<T> Elu<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, EluOperator>(x);

    /// <summary>y = x².</summary>
    public static Var<T> Square<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, SquareOperator>(x);

    /// <summary>y = √x.</summary>
    public static Var<T> Sqrt<T>(Var<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Map<T, SqrtOperator>(x);
}

/// <summary>y = f(x) elementwise; backward: ∂L/∂x = G ⊙ f′(x), with f′ from the operator (given x and y).</summary>
internal sealed class MapOperation<T, TOperator>(Var<T> x)
    : Operation<T>(TOperator.Name, x) where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
{
    protected override void Forward(Tensor<T> output)
    {
        // y = f(x)
        Backend.Map<T, TOperator>(Inputs[0].Value.Buffer, output.Buffer, output.Length);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        var x = Inputs[0];
        if (GradientTarget(x) is { } target)
            Backend.MapBackward<T, TOperator>(x.Value.Buffer, Output.Value.Buffer, outputGradient.Buffer, target.Buffer, x.Length, target.Accumulate);
    }
}
