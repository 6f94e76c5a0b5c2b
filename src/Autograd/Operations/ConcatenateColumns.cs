// Shape legend: parts [M, Nₖ]; y [M, Σₖ Nₖ] = [part₀ | part₁ | …] side by side along the feature (column) axis.
using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

public static partial class Ops
{
    /// <summary>Matrices with the same number of rows, side by side: y = [part₀ | part₁ | …].</summary>
    public static Var<T> ConcatenateColumns<T>(params Var<T>[] parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string name = "concatenate";
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
        var y = Tensor<T>.Empty(Shape.Matrix(rows, total), context.Device);
        int offset = 0;
        foreach (var part in parts)
        {
            // y[i, offset + j] = part[i, j]
            int columns = part.Shape[1];
            context.Backend.Copy2D(rows, columns, part.Value.Buffer, 0, columns, y.Buffer, offset, total);
            offset += columns;
        }
        return context.Finish(y, context.RecordsGradient ? new ConcatenateColumnsOperation<T>(parts, rows, total) : null);
    }
}

/// <summary>Backward of a concatenation: each part's gradient is its block of columns of G.</summary>
internal sealed class ConcatenateColumnsOperation<T>(Var<T>[] parts, int rows, int total)
    : Operation<T>("concatenate", parts) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void Backward(Tensor<T> outputGradient)
    {
        int offset = 0;
        foreach (var part in Inputs)
        {
            int columns = part.Shape[1];
            // ∂L/∂part[i, j] = G[i, offset + j]
            if (GradientTarget(part) is { } target)
                Backend.Copy2D(rows, columns, outputGradient.Buffer, offset, total, target.Buffer, 0, columns, target.Accumulate);
            offset += columns;
        }
    }
}
