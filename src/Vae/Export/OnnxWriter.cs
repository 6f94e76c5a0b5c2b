namespace ScratchVae.Vae.Export;

/// <summary>
/// Serialises an <see cref="OnnxGraph"/> as an ONNX ModelProto in the protobuf wire format. The field numbers are
/// onnx.proto's (github.com/onnx/onnx, onnx/onnx.proto, IR version 8), named below message by message; only the
/// fields an inference graph of float32 tensors needs are written.
/// </summary>
public static class OnnxWriter
{
    /// <summary>The IR version of the file: 8, the one that goes with operator set 17 (ONNX 1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>The version of the default ("ai.onnx") operator set the nodes are written against.</summary>
    public const long OpsetVersion = 17;

    // message ModelProto
    private const int ModelIrVersion = 1;          // int64 ir_version
    private const int ModelProducerName = 2;       // string producer_name
    private const int ModelProducerVersion = 3;    // string producer_version
    private const int ModelDocString = 6;          // string doc_string
    private const int ModelGraph = 7;              // GraphProto graph
    private const int ModelOpsetImport = 8;        // repeated OperatorSetIdProto opset_import
    private const int ModelMetadataProps = 14;     // repeated StringStringEntryProto metadata_props

    // message OperatorSetIdProto
    private const int OpsetDomain = 1;             // string domain ("" is the default domain, ai.onnx)
    private const int OpsetVersionField = 2;       // int64 version

    // message StringStringEntryProto
    private const int EntryKey = 1;                // string key
    private const int EntryValue = 2;              // string value

    // message GraphProto
    private const int GraphNode = 1;               // repeated NodeProto node
    private const int GraphName = 2;               // string name
    private const int GraphInitializer = 5;        // repeated TensorProto initializer
    private const int GraphDocString = 10;         // string doc_string
    private const int GraphInput = 11;             // repeated ValueInfoProto input
    private const int GraphOutput = 12;            // repeated ValueInfoProto output

    // message NodeProto
    private const int NodeInput = 1;               // repeated string input
    private const int NodeOutput = 2;              // repeated string output
    private const int NodeName = 3;                // string name
    private const int NodeOpType = 4;              // string op_type
    private const int NodeAttribute = 5;           // repeated AttributeProto attribute

    // message AttributeProto
    private const int AttributeName = 1;           // string name
    private const int AttributeFloat = 2;          // float f
    private const int AttributeInt = 3;            // int64 i
    private const int AttributeInts = 8;           // repeated int64 ints
    private const int AttributeTypeField = 20;     // AttributeType type

    // message TensorProto
    private const int TensorDims = 1;              // repeated int64 dims
    private const int TensorDataType = 2;          // int32 data_type (TensorProto.DataType)
    private const int TensorName = 8;              // string name
    private const int TensorRawData = 9;           // bytes raw_data (little-endian, row-major)

    // message ValueInfoProto
    private const int ValueName = 1;               // string name
    private const int ValueType = 2;               // TypeProto type

    // message TypeProto
    private const int TypeTensorType = 1;          // TypeProto.Tensor tensor_type (oneof value)

    // message TypeProto.Tensor
    private const int TensorTypeElemType = 1;      // int32 elem_type (TensorProto.DataType)
    private const int TensorTypeShape = 2;         // TensorShapeProto shape

    // message TensorShapeProto
    private const int ShapeDim = 1;                // repeated Dimension dim

    // message TensorShapeProto.Dimension
    private const int DimensionValue = 1;          // int64 dim_value (oneof value)
    private const int DimensionParam = 2;          // string dim_param (oneof value)

    /// <summary>The bytes of a ModelProto holding <paramref name="graph"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="producerVersion">What wrote it: the program's version.</param>
    /// <param name="documentation">The model's doc_string.</param>
    /// <param name="metadata">Key–value pairs for metadata_props (what the model is, where it came from).</param>
    public static byte[] Model(OnnxGraph graph, string producerVersion, string documentation, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(metadata);
        var model = new ProtobufWriter()
            .Int(ModelIrVersion, IrVersion)
            .String(ModelProducerName, Program.Name)
            .String(ModelProducerVersion, producerVersion)
            .String(ModelDocString, documentation)
            .Message(ModelGraph, writer => Graph(writer, graph))
            .Message(ModelOpsetImport, writer => writer.String(OpsetDomain, "").Int(OpsetVersionField, OpsetVersion));
        foreach (var (key, value) in metadata)
            model.Message(ModelMetadataProps, writer => writer.String(EntryKey, key).String(EntryValue, value));
        return model.ToArray();
    }

    private static void Graph(ProtobufWriter writer, OnnxGraph graph)
    {
        foreach (var node in graph.Nodes) writer.Message(GraphNode, w => Node(w, node));
        writer.String(GraphName, graph.Name);
        foreach (var tensor in graph.Initializers) writer.Message(GraphInitializer, w => Tensor(w, tensor));
        if (graph.Documentation.Length > 0) writer.String(GraphDocString, graph.Documentation);
        foreach (var input in graph.Inputs) writer.Message(GraphInput, w => Value(w, input));
        foreach (var output in graph.Outputs) writer.Message(GraphOutput, w => Value(w, output));
    }

    private static void Node(ProtobufWriter writer, OnnxNode node)
    {
        foreach (string input in node.Inputs) writer.String(NodeInput, input);
        foreach (string output in node.Outputs) writer.String(NodeOutput, output);
        writer.String(NodeName, node.Name).String(NodeOpType, node.OpType);
        foreach (var attribute in node.Attributes) writer.Message(NodeAttribute, w => Attribute(w, attribute));
    }

    private static void Attribute(ProtobufWriter writer, OnnxAttribute attribute)
    {
        writer.String(AttributeName, attribute.Name);
        switch (attribute.Type)
        {
            case OnnxAttributeType.Float: writer.Float(AttributeFloat, attribute.FloatValue); break;
            case OnnxAttributeType.Int: writer.Int(AttributeInt, attribute.IntValue); break;
            // Repeated scalars in proto3 are packed; ONNX's parsers accept packed and unpacked alike.
            case OnnxAttributeType.Ints: writer.PackedInts(AttributeInts, attribute.IntsValue); break;
            default: throw new ArgumentOutOfRangeException(nameof(attribute), attribute.Type, "Unknown attribute type.");
        }
        writer.Int(AttributeTypeField, (long)attribute.Type);
    }

    private static void Tensor(ProtobufWriter writer, OnnxTensor tensor)
    {
        writer.PackedInts(TensorDims, tensor.Dimensions)
            .Int(TensorDataType, (long)tensor.DataType)
            .String(TensorName, tensor.Name)
            .Bytes(TensorRawData, tensor.RawData);
    }

    private static void Value(ProtobufWriter writer, OnnxValue value)
    {
        writer.String(ValueName, value.Name);
        writer.Message(ValueType, type => type.Message(TypeTensorType, tensorType =>
        {
            tensorType.Int(TensorTypeElemType, (long)OnnxDataType.Float);
            tensorType.Message(TensorTypeShape, shape =>
            {
                foreach (var dimension in value.Dimensions)
                    shape.Message(ShapeDim, dim =>
                    {
                        if (dimension.Symbol is { } symbol) dim.String(DimensionParam, symbol);
                        else dim.Int(DimensionValue, dimension.Size);
                    });
            });
        }));
    }
}
