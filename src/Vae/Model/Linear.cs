// Shape legend: B examples, I inputs (fan_in), O outputs (fan_out).
// x [B, I], weight W [O, I] (PyTorch's nn.Linear layout), bias b [O]; y [B, O] = f(x · Wᵀ + b).
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Vae.Model;

/// <summary>
/// A fully connected layer y = f(x · Wᵀ + b) over a weight W [O, I] and a bias b [O], laid out as PyTorch's
/// nn.Linear. The layer holds no state of its own: W and b are any differentiable values (the model's
/// parameters when training, the gradient checker's inputs when checking).
/// </summary>
public readonly record struct Linear<T>(Var<T> Weight, Var<T> Bias) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y = f(x · Wᵀ + b): one GEMM, then the bias and the activation in one fused pass.</summary>
    public Var<T> Forward<TActivation>(Var<T> x) where TActivation : struct, IUnaryOperator
        => Ops.AddBiasActivation<T, TActivation>(Ops.MatMul(x, Weight, transposeB: true), Bias);

    /// <summary>y = x · Wᵀ + b, no activation (the heads and the decoder's output).</summary>
    public Var<T> Forward(Var<T> x) => Forward<Identity>(x);

    /// <summary>y = act(x · Wᵀ + b) for a hidden layer's configured activation.</summary>
    public Var<T> Forward(Var<T> x, Activation activation) => activation switch
    {
        Activation.Relu => Forward<Relu>(x),
        Activation.Tanh => Forward<Tanh>(x),
        Activation.Elu => Forward<Elu>(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
