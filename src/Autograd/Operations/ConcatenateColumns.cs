// Shape legend: parts [M, Nₖ]; y [M, Σₖ Nₖ] = [part₀ | part₁ | …] side by side along the feature (column) axis.
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Matrices with the same number of rows, side by side: y = [part₀ | part₁ | …].</summary>
    public static Var<T> ConcatenateColumns<T>(params Var<T>[] parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = ConcatenateColumnsOperation<T>.OperationName;
        ArgumentNullException.ThrowIfNull(parts);
        var context = ForwardContext<T>.Begin(name, parts);
        int rows = -1, total = 0;
        for (int k = 0; k < parts.Length; k++)
        {
            TensorChecks.Matrix(name, $"part {k}", parts[k].Value);
            if (rows < 0) rows = parts[k].Shape[0];
            else if (parts[k].Shape[0] != rows)
                throw new ArgumentException($"{name}: all parts need the same number of rows, but part 0 is {parts[0].Shape} and part {k} is {parts[k].Shape}.");
            total += parts[k].Shape[1];
        }
        // The operation keeps its own copy of the list: the caller may reuse the array, and a replay must still
        // read the parts this call was given.
        return context.Run(new ConcatenateColumnsOperation<T>((Var<T>[])parts.Clone(), rows, total), Shape.Matrix(rows, total));
    }
}

/// <summary>
/// y = [part₀ | part₁ | …], y[i, offsetₖ + j] = partₖ[i, j]; backward: each part's gradient is its block of
/// columns of G, ∂L/∂partₖ[i, j] = G[i, offsetₖ + j].
/// </summary>
internal sealed class ConcatenateColumnsOperation<T>(Var<T>[] parts, int rows, int total)
    : Operation<T>(OperationName, parts) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The operation's name, on the tape and in its errors.</summary>
    public const string OperationName = "concatenate";

    protected override void Forward(Tensor<T> output)
    {
        int offset = 0;
        var parts = Inputs;
        for (int k = 0; k < parts.Count; k++)
        {
            // y[i, offset + j] = part[i, j]
            var part = parts[k];
            int columns = part.Shape[1];
            Backend.Copy2D(rows, columns, part.Value.Buffer, 0, columns, output.Buffer, offset, total);
            offset += columns;
        }
    }

    protected override void Backward(Tensor<T> outputGradient)
    {
        int offset = 0;
        var parts = Inputs;
        for (int k = 0; k < parts.Count; k++)
        {
            // An index loop: foreach over the IReadOnlyList would box its enumerator on every pass.
            var part = parts[k];
            int columns = part.Shape[1];
            // ∂L/∂part[i, j] = G[i, offset + j]
            if (GradientTarget(part) is { } target)
                Backend.Copy2D(rows, columns, outputGradient.Buffer, offset, total, target.Buffer, 0, columns, target.Accumulate);
            offset += columns;
        }
    }
}
