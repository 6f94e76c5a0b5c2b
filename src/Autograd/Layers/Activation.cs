using System.Numerics;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// An elementwise activation as a layer, y = f(x) for any operator struct of the kernels (<c>ReluOperator</c>, <c>TanhOperator</c>,
/// <c>EluOperator</c>, <c>SigmoidOperator</c>, <c>SoftplusOperator</c>, …), as PyTorch's <c>nn.ReLU()</c> and friends:
/// <c>new Activation&lt;float, ReluOperator&gt;()</c>. It has no parameters. After a <see cref="Linear{T}"/> in a
/// <see cref="Sequential{T}"/> it is fused into the layer's bias pass.
/// </summary>
public sealed class Activation<T, TOperator> : Layer<T>, IFusableActivation<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
{
    /// <summary>y = f(x).</summary>
    public override Var<T> Forward(Var<T> input) => Ops.Map<T, TOperator>(input);

    /// <summary>f(linear(x)) in the linear layer's fused bias pass.</summary>
    public Var<T> AfterLinear(Linear<T> linear, Var<T> input) => linear.Forward<TOperator>(input);

    /// <inheritdoc />
    protected override string Summary => OperatorName.Of(typeof(TOperator));
}

/// <summary>An activation that <see cref="Sequential{T}"/> may fold into the <see cref="Linear{T}"/> before it.</summary>
public interface IFusableActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>f(linear(x)), computed by the linear layer's fused bias-and-activation pass.</summary>
    Var<T> AfterLinear(Linear<T> linear, Var<T> input);
}
