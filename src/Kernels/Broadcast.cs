namespace ScratchVae.Kernels;

/// <summary>How the second operand of a binary map is laid over a rows × columns first operand.</summary>
public enum Broadcast
{
    /// <summary>b has rows × columns elements, like a.</summary>
    None,
    /// <summary>b is one row of <c>columns</c> elements, repeated for every row (a bias row).</summary>
    Row,
    /// <summary>b is one column of <c>rows</c> elements, repeated for every column (one value per example).</summary>
    Column,
    /// <summary>b is a single element.</summary>
    Scalar,
}
