// Shape legend: B examples, D dimensions. x, mean, logVar [B, D]; y [B] = log N(x; mean, diag(exp(logVar))) per example.
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The log-density of x under a diagonal Gaussian, per example:
    /// log N(x; μ, σ²) = −½ Σⱼ [log 2π + log σⱼ² + (xⱼ − μⱼ)² / σⱼ²], with log σ² = <paramref name="logVar"/>
    /// (log q(z|x) of the encoder, or log p(z) with μ = 0, log σ² = 0).
    /// </summary>
    public static Var<T> GaussianLogLikelihood<T>(Var<T> x, Var<T> mean, Var<T> logVar) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = GaussianLogLikelihoodOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, x, mean, logVar);
        TensorChecks.Matrix(name, "x", x.Value);
        if (mean.Shape != x.Shape || logVar.Shape != x.Shape)
            throw new ArgumentException($"{name}: x {x.Shape}, mean {mean.Shape} and logVar {logVar.Shape} must have the same shape.");
        return context.Run(new GaussianLogLikelihoodOperation<T>(x, mean, logVar), Shape.Vector(x.Shape[0]));
    }

    /// <summary>
    /// The log-density of x under a Gaussian with fixed variance σ² in every dimension, per example:
    /// log N(x; μ, σ² I) = −½ Σⱼ [log 2π + log σ² + (xⱼ − μⱼ)² / σ²].
    /// </summary>
    public static Var<T> GaussianLogLikelihood<T>(Var<T> x, Var<T> mean, double variance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = GaussianLogLikelihoodOperation<T>.OperationName;
        var context = ForwardContext<T>.Begin(name, x, mean);
        TensorChecks.Matrix(name, "x", x.Value);
        if (mean.Shape != x.Shape)
            throw new ArgumentException($"{name}: x {x.Shape} and mean {mean.Shape} must have the same shape.");
        if (!(variance > 0) || !double.IsFinite(variance))
            throw new ArgumentOutOfRangeException(nameof(variance), variance, $"{name}: the variance must be positive and finite (x {x.Shape}).");
        return context.Run(new GaussianFixedVarianceLogLikelihoodOperation<T>(x, mean, variance), Shape.Vector(x.Shape[0]));
    }
}

/// <summary>
/// y[i] = −½ Σⱼ [log 2π + log σ² + d² w], d = x − μ, w = exp(−log σ²) (d and w kept from the forward pass).
/// Backward, with r = d · w: ∂y/∂x = −r, ∂y/∂μ = r, ∂y/∂log σ² = −½ (1 − d² w) = ½ (r · d − 1).
/// </summary>
internal sealed class GaussianLogLikelihoodOperation<T> : Operation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name (of both Gaussian forms), on the tape and in its errors.</summary>
    public const string OperationName = "gaussian-log-likelihood";

    private readonly Tensor<T> _difference;
    private readonly Tensor<T> _precision;
    private readonly T _constant; // −½ D log 2π

    public GaussianLogLikelihoodOperation(Var<T> x, Var<T> mean, Var<T> logVar)
        : base(GaussianLogLikelihoodOperation<T>.OperationName, x, mean, logVar)
    {
        _difference = Save(Tensor<T>.Empty(x.Shape, x.Device));
        _precision = Save(Tensor<T>.Empty(x.Shape, x.Device));
        _constant = T.CreateChecked(-0.5 * x.Shape[1] * Math.Log(2 * Math.PI));
    }

    protected override void Forward(Tensor<T> output)
    {
        Var<T> x = Inputs[0], mean = Inputs[1], logVar = Inputs[2];
        int rows = x.Shape[0], columns = x.Shape[1];
        var y = output.Buffer;
        using var terms = ScratchBuffer<T>.Rent(Device, x.Length);
        var constant = Device.Constant(_constant);
        // d = x − μ;  w = 1/σ² = exp(−log σ²)
        Backend.Zip<T, SubtractOperator>(x.Value.Buffer, mean.Value.Buffer, _difference.Buffer, rows, columns, Broadcast.None);
        Backend.Map<T, NegateOperator>(logVar.Value.Buffer, _precision.Buffer, x.Length);
        Backend.Map<T, ExpOperator>(_precision.Buffer, _precision.Buffer, x.Length);
        // t = d² · w + log σ²
        Backend.Zip<T, MultiplyOperator>(_difference.Buffer, _difference.Buffer, terms.Buffer, rows, columns, Broadcast.None);
        Backend.Zip<T, MultiplyOperator>(terms.Buffer, _precision.Buffer, terms.Buffer, rows, columns, Broadcast.None);
        Backend.Zip<T, AddOperator>(terms.Buffer, logVar.Value.Buffer, terms.Buffer, rows, columns, Broadcast.None);
        // y[i] = −½ Σⱼ t[i, j] − ½ D log 2π
        using (var sum = ScratchBuffer<T>.Rent(Device, rows))
        {
            Backend.SumOverColumns(terms.Buffer, rows, columns, sum.Buffer);
            Backend.Axpby(T.CreateChecked(-0.5), sum.Buffer, T.Zero, y, rows);
        }
        Backend.Zip<T, AddOperator>(y, constant, y, 1, rows, Broadcast.Scalar);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> x = Inputs[0], mean = Inputs[1], logVar = Inputs[2];
        int rows = x.Shape[0], columns = x.Shape[1];
        var g = outputGradient.Buffer; // G [B]
        using var r = ScratchBuffer<T>.Rent(Device, x.Length);
        // r = d · w
        Backend.Zip<T, MultiplyOperator>(_difference.Buffer, _precision.Buffer, r.Buffer, rows, columns, Broadcast.None);
        if (GradientTarget(mean) is { } meanTarget)
        {
            // ∂L/∂μ = G[i] · r
            Backend.Zip<T, MultiplyOperator>(r.Buffer, g, meanTarget.Buffer, rows, columns, Broadcast.Column, meanTarget.Accumulate);
        }
        if (GradientTarget(x) is { } xTarget)
        {
            // ∂L/∂x = −G[i] · r
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, r.Buffer, g, Broadcast.Column, rows, columns, Broadcast.None, xTarget, -T.One);
        }
        if (GradientTarget(logVar) is { } logVarTarget)
        {
            // ∂L/∂log σ² = ½ G[i] · (r · d − 1)
            var one = Device.Constant(T.One);
            Backend.Zip<T, MultiplyOperator>(r.Buffer, _difference.Buffer, r.Buffer, rows, columns, Broadcast.None);
            Backend.Zip<T, SubtractOperator>(r.Buffer, one, r.Buffer, rows, columns, Broadcast.Scalar);
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, r.Buffer, g, Broadcast.Column, rows, columns, Broadcast.None, logVarTarget, T.CreateChecked(0.5));
        }
    }
}

/// <summary>
/// y[i] = −(1 / 2σ²) Σⱼ d² − ½ D (log 2π + log σ²), d = x − μ (kept from the forward pass), σ² a constant.
/// Backward: ∂y/∂x = −d / σ², ∂y/∂μ = d / σ².
/// </summary>
internal sealed class GaussianFixedVarianceLogLikelihoodOperation<T> : Operation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T> _difference;
    private readonly T _precision; // 1/σ²
    private readonly T _scale; // −1/(2σ²)
    private readonly T _constant; // −½ D (log 2π + log σ²)

    public GaussianFixedVarianceLogLikelihoodOperation(Var<T> x, Var<T> mean, double variance)
        : base(GaussianLogLikelihoodOperation<T>.OperationName, x, mean)
    {
        _difference = Save(Tensor<T>.Empty(x.Shape, x.Device));
        _precision = T.CreateChecked(1.0 / variance);
        _scale = T.CreateChecked(-0.5 / variance);
        _constant = T.CreateChecked(-0.5 * x.Shape[1] * (Math.Log(2 * Math.PI) + Math.Log(variance)));
    }

    protected override void Forward(Tensor<T> output)
    {
        Var<T> x = Inputs[0], mean = Inputs[1];
        int rows = x.Shape[0], columns = x.Shape[1];
        var y = output.Buffer;
        using var squares = ScratchBuffer<T>.Rent(Device, x.Length);
        using var sum = ScratchBuffer<T>.Rent(Device, rows);
        var constant = Device.Constant(_constant);
        // d = x − μ;  y[i] = −(1 / 2σ²) Σⱼ d[i, j]² − ½ D (log 2π + log σ²)
        Backend.Zip<T, SubtractOperator>(x.Value.Buffer, mean.Value.Buffer, _difference.Buffer, rows, columns, Broadcast.None);
        Backend.Zip<T, MultiplyOperator>(_difference.Buffer, _difference.Buffer, squares.Buffer, rows, columns, Broadcast.None);
        Backend.SumOverColumns(squares.Buffer, rows, columns, sum.Buffer);
        Backend.Axpby(_scale, sum.Buffer, T.Zero, y, rows);
        Backend.Zip<T, AddOperator>(y, constant, y, 1, rows, Broadcast.Scalar);
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        Var<T> x = Inputs[0], mean = Inputs[1];
        int rows = x.Shape[0], columns = x.Shape[1];
        var g = outputGradient.Buffer; // G [B]
        // ∂L/∂μ = (1/σ²) G[i] · d;  ∂L/∂x = −(1/σ²) G[i] · d
        if (GradientTarget(mean) is { } meanTarget)
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, _difference.Buffer, g, Broadcast.Column, rows, columns, Broadcast.None, meanTarget, _precision);
        if (GradientTarget(x) is { } xTarget)
            Broadcasting.ZipReduceInto<T, MultiplyOperator>(Device, _difference.Buffer, g, Broadcast.Column, rows, columns, Broadcast.None, xTarget, -_precision);
    }
}
