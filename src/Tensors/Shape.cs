using System.Collections.Immutable;
using System.Text;

namespace ScratchVae.Tensors;

/// <summary>
/// The dimensions of a tensor, outermost first (row-major). A matrix of 128 examples × 784 pixels is [128, 784];
/// a scalar has rank 0 and one element.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly ImmutableArray<int> _dimensions;
    private readonly int _length;

    /// <summary>Creates a shape; every dimension must be ≥ 0.</summary>
    public Shape(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        long length = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] < 0)
                throw new ArgumentOutOfRangeException(nameof(dimensions), $"Shape [{string.Join(", ", dimensions)}] has a negative dimension {dimensions[i]} at axis {i}.");
            length *= dimensions[i];
            if (length > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(dimensions), $"Shape [{string.Join(", ", dimensions)}] has more than {int.MaxValue} elements.");
        }
        _dimensions = ImmutableArray.Create(dimensions);
        _length = (int)length;
    }

    /// <summary>The shape of a scalar: rank 0, one element.</summary>
    public static Shape Scalar => new();

    /// <summary>A matrix shape [rows, columns].</summary>
    public static Shape Matrix(int rows, int columns) => new(rows, columns);

    /// <summary>A vector shape [length].</summary>
    public static Shape Vector(int length) => new(length);

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dimensions.IsDefault ? 0 : _dimensions.Length;

    /// <summary>The total number of elements (1 for a scalar).</summary>
    public int Length => _dimensions.IsDefault ? 1 : _length;

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis]
    {
        get
        {
            int resolved = axis < 0 ? axis + Rank : axis;
            if (resolved < 0 || resolved >= Rank)
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis {axis} is out of range for shape {this} (rank {Rank}).");
            return _dimensions[resolved];
        }
    }

    /// <summary>The dimensions as an array copy.</summary>
    public int[] ToArray() => _dimensions.IsDefault ? [] : _dimensions.ToArray();

    /// <summary>
    /// The shape viewed as a matrix: rank 2 as is, rank 1 as one row [1, n], rank 0 as [1, 1], higher ranks as
    /// [product of all but the last, last]. The primitives work on this view.
    /// </summary>
    public (int Rows, int Columns) AsMatrix()
    {
        return Rank switch
        {
            0 => (1, 1),
            1 => (1, _dimensions[0]),
            _ => (Length == 0 ? 0 : Length / Math.Max(1, _dimensions[^1]), _dimensions[^1]),
        };
    }

    /// <summary>Rows of a rank-2 shape; throws for other ranks.</summary>
    public int Rows => RequireRank2("Rows")[0];

    /// <summary>Columns of a rank-2 shape; throws for other ranks.</summary>
    public int Columns => RequireRank2("Columns")[1];

    private ImmutableArray<int> RequireRank2(string what)
    {
        if (Rank != 2) throw new InvalidOperationException($"{what} needs a matrix (rank 2) but the shape is {this}.");
        return _dimensions;
    }

    /// <inheritdoc />
    public bool Equals(Shape other)
    {
        if (Rank != other.Rank) return false;
        for (int i = 0; i < Rank; i++)
            if (_dimensions[i] != other._dimensions[i]) return false;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (int i = 0; i < Rank; i++) hash.Add(_dimensions[i]);
        return hash.ToHashCode();
    }

    /// <summary>Equal dimensions.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Different dimensions.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>"[128, 784]"; "[]" for a scalar.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < Rank; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(_dimensions[i]);
        }
        return text.Append(']').ToString();
    }
}
