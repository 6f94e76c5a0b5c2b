namespace ScratchVae.Vae.Export;

/// <summary>
/// An ONNX graph as plain data, what <see cref="OnnxWriter"/> serialises: nodes in topological order, the weights
/// as initializers, and the graph's named inputs and outputs (float32 tensors).
/// </summary>
/// <param name="Name">The graph's name.</param>
/// <param name="Nodes">The operators, each after the nodes whose outputs it reads.</param>
/// <param name="Initializers">Constant tensors: the weights, and the shapes that Reshape reads.</param>
/// <param name="Inputs">What the caller feeds.</param>
/// <param name="Outputs">What the graph returns.</param>
public sealed record OnnxGraph(string Name, IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<OnnxValue> Inputs, IReadOnlyList<OnnxValue> Outputs)
{
    /// <summary>Free text about the graph; empty for none.</summary>
    public string Documentation { get; init; } = "";
}

/// <summary>One operator of the default ONNX domain: <c>Gemm</c>, <c>Relu</c>, <c>Conv</c>, …</summary>
/// <param name="OpType">The operator's name in the ONNX operator set.</param>
/// <param name="Name">The node's own name (unique in the graph, for messages and tools).</param>
/// <param name="Inputs">The names of the values it reads, in the operator's order.</param>
/// <param name="Outputs">The names of the values it writes.</param>
/// <param name="Attributes">Its attributes.</param>
public sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes)
{
    /// <summary>A node without attributes.</summary>
    public OnnxNode(string opType, string name, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
        : this(opType, name, inputs, outputs, []) { }
}

/// <summary>An attribute of a node: one int, one float or a list of ints (the kinds the exported graphs use).</summary>
public sealed record OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeType type) => (Name, Type) = (name, type);

    /// <summary>The attribute's name (<c>transB</c>, <c>strides</c>).</summary>
    public string Name { get; }

    /// <summary>Which of the values below it holds.</summary>
    public OnnxAttributeType Type { get; }

    /// <summary>The value of an <see cref="OnnxAttributeType.Int"/> attribute.</summary>
    public long IntValue { get; private init; }

    /// <summary>The value of a <see cref="OnnxAttributeType.Float"/> attribute.</summary>
    public float FloatValue { get; private init; }

    /// <summary>The values of an <see cref="OnnxAttributeType.Ints"/> attribute.</summary>
    public IReadOnlyList<long> IntsValue { get; private init; } = [];

    /// <summary>An int attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeType.Int) { IntValue = value };

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeType.Float) { FloatValue = value };

    /// <summary>A list-of-ints attribute.</summary>
    public static OnnxAttribute Ints(string name, params IReadOnlyList<long> values) => new(name, OnnxAttributeType.Ints) { IntsValue = values };
}

/// <summary>AttributeProto.AttributeType, the values onnx.proto gives them.</summary>
public enum OnnxAttributeType
{
    /// <summary>FLOAT.</summary>
    Float = 1,
    /// <summary>INT.</summary>
    Int = 2,
    /// <summary>INTS.</summary>
    Ints = 7,
}

/// <summary>TensorProto.DataType, the values onnx.proto gives them (the two the exported graphs use).</summary>
public enum OnnxDataType
{
    /// <summary>FLOAT: float32.</summary>
    Float = 1,
    /// <summary>INT64.</summary>
    Int64 = 7,
}

/// <summary>A constant tensor, float32 or int64, stored as raw little-endian bytes.</summary>
/// <param name="Name">The name nodes read it by.</param>
/// <param name="Dimensions">Its shape.</param>
/// <param name="DataType">Float or Int64.</param>
/// <param name="RawData">The elements, row-major, little-endian.</param>
public sealed record OnnxTensor(string Name, IReadOnlyList<long> Dimensions, OnnxDataType DataType, byte[] RawData)
{
    /// <summary>A float32 tensor of <paramref name="values"/> with shape <paramref name="dimensions"/>.</summary>
    public static OnnxTensor Floats(string name, IReadOnlyList<long> dimensions, ReadOnlySpan<float> values)
    {
        CheckCount(name, dimensions, values.Length);
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return new OnnxTensor(name, dimensions, OnnxDataType.Float, bytes);
    }

    /// <summary>An int64 tensor of <paramref name="values"/>, one-dimensional.</summary>
    public static OnnxTensor Int64s(string name, params IReadOnlyList<long> values)
    {
        var bytes = new byte[values.Count * sizeof(long)];
        for (int i = 0; i < values.Count; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        return new OnnxTensor(name, [values.Count], OnnxDataType.Int64, bytes);
    }

    private static void CheckCount(string name, IReadOnlyList<long> dimensions, int count)
    {
        long expected = dimensions.Aggregate(1L, (product, dimension) => product * dimension);
        if (expected != count) throw new ArgumentException($"Tensor {name} of shape [{string.Join(", ", dimensions)}] needs {expected} values, got {count}.");
    }
}

/// <summary>A graph input or output: a float32 tensor with a name and a shape whose dimensions are sizes or symbols.</summary>
/// <param name="Name">The name callers use (<c>x</c>, <c>mu</c>).</param>
/// <param name="Dimensions">Each dimension: a fixed size, or a symbol such as <c>batch</c> for a size chosen at run time.</param>
public sealed record OnnxValue(string Name, IReadOnlyList<OnnxDimension> Dimensions);

/// <summary>One dimension of a value's shape: a fixed size (<see cref="Size"/>) or a named symbol (<see cref="Symbol"/>).</summary>
public readonly record struct OnnxDimension(long Size, string? Symbol)
{
    /// <summary>A dimension of fixed size.</summary>
    public static OnnxDimension Fixed(long size) => new(size, null);

    /// <summary>A dimension whose size is chosen by the caller, all dimensions named alike being equal.</summary>
    public static OnnxDimension Named(string symbol) => new(0, symbol);
}
