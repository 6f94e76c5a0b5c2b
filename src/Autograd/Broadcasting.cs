using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// How two operands of an elementwise binary operation line up. One operand is "full" (the output's shape);
/// the other is either the same shape or broadcast over it as a row [n] / [1, n] (a bias), a column [m, 1] (one
/// value per example) or a scalar (one element).
/// </summary>
/// <param name="Rows">Rows of the output viewed as a matrix.</param>
/// <param name="Columns">Columns of the output viewed as a matrix.</param>
/// <param name="OutputShape">The output's shape (that of the full operand).</param>
/// <param name="LeftMode">How the left operand is laid over the output (<see cref="Broadcast.None"/> if it is full).</param>
/// <param name="RightMode">How the right operand is laid over the output.</param>
public readonly record struct BinaryLayout(int Rows, int Columns, Shape OutputShape, Broadcast LeftMode, Broadcast RightMode)
{
    /// <summary>The number of output elements.</summary>
    public int Length => Rows * Columns;
}

/// <summary>
/// Broadcasting, done and undone in one place. Forward, an operand of shape [n] is laid over every row of an
/// [m, n] output; backward, the output's gradient must be summed back over the rows it was repeated on —
/// ∂L/∂b[j] = Σᵢ ∂L/∂c[i, j] — and likewise over columns for a column operand and over everything for a scalar.
/// Every binary operation calls <see cref="ReduceInto"/> for that instead of repeating the sums.
/// </summary>
public static class Broadcasting
{
    /// <summary>
    /// The layout of <paramref name="left"/> ∘ <paramref name="right"/>; throws naming <paramref name="operation"/>
    /// and both shapes when they cannot be broadcast together.
    /// </summary>
    public static BinaryLayout Resolve(string operation, Shape left, Shape right)
    {
        if (left == right)
        {
            var (rows, columns) = left.AsMatrix();
            return new BinaryLayout(rows, columns, left, Broadcast.None, Broadcast.None);
        }
        if (ModeOver(left, right) is { } rightMode)
        {
            var (rows, columns) = left.AsMatrix();
            return new BinaryLayout(rows, columns, left, Broadcast.None, rightMode);
        }
        if (ModeOver(right, left) is { } leftMode)
        {
            var (rows, columns) = right.AsMatrix();
            return new BinaryLayout(rows, columns, right, leftMode, Broadcast.None);
        }
        throw new ArgumentException(
            $"{operation}: shapes {left} and {right} cannot be broadcast together; supported are equal shapes, or one operand a row [n] or [1, n] over [m, n], a column [m, 1] over [m, n], or a single element.");
    }

    /// <summary>How <paramref name="partial"/> can be laid over <paramref name="full"/>, or null.</summary>
    private static Broadcast? ModeOver(Shape full, Shape partial)
    {
        if (partial.Length == 1 && full.Rank >= partial.Rank) return Broadcast.Scalar;
        if (full.Rank < 2) return null;
        int columns = full[-1];
        bool isRow = (partial.Rank == 1 && partial[0] == columns) || (partial.Rank == 2 && partial[0] == 1 && partial[1] == columns);
        if (isRow) return Broadcast.Row;
        if (full.Rank == 2 && partial.Rank == 2 && partial[0] == full[0] && partial[1] == 1) return Broadcast.Column;
        return null;
    }

    /// <summary>
    /// Adds (or writes, per <paramref name="target"/>) scale · reduce(<paramref name="full"/>) into an operand's
    /// gradient, where <paramref name="full"/> is a rows × columns gradient of the output and reduce sums it back
    /// to the operand's layout:
    /// None: g = s·full;  Row: g[j] = s·Σᵢ full[i, j];  Column: g[i] = s·Σⱼ full[i, j];  Scalar: g = s·Σ full.
    /// </summary>
    public static void ReduceInto<T>(Device device, DeviceBuffer<T> full, int rows, int columns, Broadcast mode, GradientTarget<T> target, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var backend = device.Backend;
        if (mode == Broadcast.None)
        {
            backend.Axpby(scale, full, target.Beta, target.Buffer, rows * columns);
            return;
        }
        if (scale == T.One)
        {
            Sum(backend, full, rows, columns, mode, target.Buffer, target.Accumulate);
            return;
        }
        // The sums have no scale argument: sum into a small scratch buffer, then scale it into the target.
        int length = ArgumentChecks.BroadcastLength(mode, rows, columns);
        using var partial = ScratchBuffer<T>.Rent(device, length);
        Sum(backend, full, rows, columns, mode, partial.Buffer, accumulate: false);
        backend.Axpby(scale, partial.Buffer, target.Beta, target.Buffer, length);
    }

    /// <summary>
    /// The reverse of <see cref="ReduceInto"/>: lays scale · <paramref name="small"/> (laid out per
    /// <paramref name="mode"/>) over a rows × columns gradient — the backward of a sum or mean.
    /// </summary>
    public static void ExpandInto<T>(Device device, DeviceBuffer<T> small, int rows, int columns, Broadcast mode, GradientTarget<T> target, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var backend = device.Backend;
        int length = rows * columns;
        if (mode == Broadcast.None)
        {
            backend.Axpby(scale, small, target.Beta, target.Buffer, length);
            return;
        }
        // The broadcast operand, scaled into a small scratch buffer first unless the scale is 1.
        bool scales = scale != T.One;
        int smallLength = ArgumentChecks.BroadcastLength(mode, rows, columns);
        using var scaled = scales ? ScratchBuffer<T>.Rent(device, smallLength) : default;
        var source = small;
        if (scales)
        {
            backend.Axpby(scale, small, T.Zero, scaled.Buffer, smallLength);
            source = scaled.Buffer;
        }
        // g = g + broadcast(source); a fresh target starts from zero.
        if (!target.Accumulate) backend.Fill(target.Buffer, 0, length, T.Zero);
        backend.Zip<T, AddOperator>(target.Buffer, source, target.Buffer, rows, columns, mode);
    }

    /// <summary>
    /// Adds reduce(f(<paramref name="a"/>, b')) into an operand's gradient, where f(a, b') is a rows × columns
    /// contribution (b laid per <paramref name="bMode"/>) and reduce sums it to <paramref name="targetMode"/>.
    /// A full-size target gets f written (or added) directly, with no scratch buffer.
    /// </summary>
    public static void ZipReduceInto<T, TOperator>(Device device, DeviceBuffer<T> a, DeviceBuffer<T> b, Broadcast bMode, int rows, int columns,
        Broadcast targetMode, GradientTarget<T> target, T scale)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        if (targetMode == Broadcast.None && scale == T.One)
        {
            device.Backend.Zip<T, TOperator>(a, b, target.Buffer, rows, columns, bMode, target.Accumulate);
            return;
        }
        using var contribution = ScratchBuffer<T>.Rent(device, rows * columns);
        device.Backend.Zip<T, TOperator>(a, b, contribution.Buffer, rows, columns, bMode);
        ReduceInto(device, contribution.Buffer, rows, columns, targetMode, target, scale);
    }

    /// <summary>Writes <paramref name="source"/>, laid per <paramref name="mode"/>, over all rows × columns of <paramref name="destination"/>.</summary>
    public static void ExpandTo<T>(Device device, DeviceBuffer<T> source, Broadcast mode, int rows, int columns, DeviceBuffer<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var backend = device.Backend;
        if (mode == Broadcast.None)
        {
            backend.Copy(source, 0, destination, 0, rows * columns);
            return;
        }
        // d = 0 + broadcast(source): the primitives broadcast only the second operand of a binary map.
        backend.Fill(destination, 0, rows * columns, T.Zero);
        backend.Zip<T, AddOperator>(destination, source, destination, rows, columns, mode);
    }

    private static void Sum<T>(IBackend backend, DeviceBuffer<T> full, int rows, int columns, Broadcast mode, DeviceBuffer<T> destination, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (mode)
        {
            case Broadcast.Row: backend.SumOverRows(full, rows, columns, destination, accumulate); break;
            case Broadcast.Column: backend.SumOverColumns(full, rows, columns, destination, accumulate); break;
            case Broadcast.Scalar: backend.SumAll(full, rows * columns, destination, accumulate); break;
            default: throw new ArgumentOutOfRangeException(nameof(mode), mode, "Sum needs a broadcast mode other than None.");
        }
    }
}
