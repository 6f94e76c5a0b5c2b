// Shape legend: B examples, I inputs (fan_in), O outputs (fan_out).
// x [B, I], weight W [O, I] (PyTorch's nn.Linear layout), bias b [O]; y [B, O] = f(x · Wᵀ + b).
using System.Numerics;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Layers;

/// <summary>
/// A fully connected layer y = x · Wᵀ + b, laid out and initialised as PyTorch's <c>nn.Linear</c> (parameters
/// <c>weight</c> [out, in] and <c>bias</c> [out]). <see cref="Forward{TActivation}"/> applies an activation in the
/// same pass as the bias (one GEMM, then one fused pass over the output).
/// </summary>
public sealed class Linear<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the layer with weights drawn by <paramref name="init"/> (weight first, then bias).</summary>
    /// <param name="inputs">I, the input features (fan_in).</param>
    /// <param name="outputs">O, the output features (fan_out).</param>
    /// <param name="init">The device and the Philox streams the values come from.</param>
    /// <param name="scheme">How W and b are drawn; PyTorch's default by default.</param>
    /// <param name="bias">False for a layer without b.</param>
    public Linear(int inputs, int outputs, Initializer init, LinearInitialization scheme = LinearInitialization.PyTorch, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        ArgumentNullException.ThrowIfNull(init);
        InputSize = inputs;
        OutputSize = outputs;
        var weightShape = Shape.Matrix(outputs, inputs);
        var weight = scheme switch
        {
            LinearInitialization.PyTorch => init.Uniform<T>(weightShape, 1 / Math.Sqrt(inputs)),
            LinearInitialization.XavierUniform => init.Uniform<T>(weightShape, Math.Sqrt(6.0 / (inputs + outputs))),
            LinearInitialization.XavierNormal => init.Normal<T>(weightShape, Math.Sqrt(2.0 / (inputs + outputs))),
            LinearInitialization.KaimingUniform => init.Uniform<T>(weightShape, Math.Sqrt(6.0 / inputs)),
            LinearInitialization.KaimingNormal => init.Normal<T>(weightShape, Math.Sqrt(2.0 / inputs)),
            LinearInitialization.StandardNormal => init.Normal<T>(weightShape, 1.0),
            _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown initialisation."),
        };
        Weight = AddParameter("weight", weight);
        if (bias)
        {
            var biasShape = Shape.Vector(outputs);
            Bias = AddParameter("bias", scheme == LinearInitialization.PyTorch ? init.Uniform<T>(biasShape, 1 / Math.Sqrt(inputs)) : init.Zeros<T>(biasShape));
        }
    }

    /// <summary>I, the input features.</summary>
    public int InputSize { get; }

    /// <summary>O, the output features.</summary>
    public int OutputSize { get; }

    /// <summary>W [O, I].</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b [O], or null for a layer built with bias: false.</summary>
    public Parameter<T>? Bias { get; }

    /// <summary>y = x · Wᵀ + b.</summary>
    public override Var<T> Forward(Var<T> input) => Forward<IdentityOperator>(input);

    /// <summary>y = f(x · Wᵀ + b): one GEMM, then the bias and the activation f in one fused pass.</summary>
    public Var<T> Forward<TActivation>(Var<T> input) where TActivation : struct, IUnaryOperator
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Shape.Rank != 2 || input.Shape[1] != InputSize)
            throw new ArgumentException($"{Summary}: the input has shape {input.Shape} but must be [B, {InputSize}].", nameof(input));
        var product = Ops.MatMul(input, Weight, transposeB: true);
        if (Bias is not null) return Ops.AddBiasActivation<T, TActivation>(product, Bias);
        return typeof(TActivation) == typeof(IdentityOperator) ? product : Ops.Map<T, TActivation>(product);
    }

    /// <inheritdoc />
    protected override string Summary => $"Linear({InputSize} → {OutputSize}{(Bias is null ? ", no bias" : "")})";
}
