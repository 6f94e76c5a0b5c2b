// Shape legend: B examples (the symbolic "batch"), D pixels, Z latent dimensions.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Export;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae.Export;

/// <summary>
/// The ONNX files of <see cref="OnnxExport"/> run in ONNX Runtime and give ScratchVae's own outputs (model.Encode and
/// model.Decode on the host, float32) for every activation, several hidden layers, the convolutional architecture and
/// two batch sizes through one file; and the file's structure, read back field by field.
/// </summary>
[TestFixture]
public class OnnxExportTests
{
    /// <summary>|ONNX Runtime − ScratchVae| ≤ Absolute + Relative · |ScratchVae|: both are float32 with their own summation orders.</summary>
    private const double Absolute = 1e-5, Relative = 1e-5;

    /// <summary>Two batch sizes through the same file: the batch dimension is symbolic.</summary>
    private static readonly int[] BatchSizes = [7, 3];

    private static IEnumerable<TestCaseData> MlpCases()
    {
        foreach (var activation in new[] { Activation.Relu, Activation.Tanh, Activation.Elu })
        {
            yield return new TestCaseData(activation, new[] { 400 }).SetArgDisplayNames(activation.ToString(), "400");
            yield return new TestCaseData(activation, new[] { 64, 48, 32 }).SetArgDisplayNames(activation.ToString(), "64,48,32");
        }
    }

    [TestCaseSource(nameof(MlpCases))]
    public void TheMlpEncoderAndDecoderMatchScratchVae(Activation activation, int[] hidden)
    {
        var options = new VaeOptions { HiddenSizes = hidden, Activation = activation };
        using var model = new VaeModel<float>(options, Device.Open("host"), seed: 3);
        AssertEncoderMatches(model);
        AssertDecoderMatches(model);
    }

    [TestCase(Activation.Relu)]
    [TestCase(Activation.Elu)]
    public void TheConvolutionalEncoderAndDecoderMatchScratchVae(Activation activation)
    {
        var options = new VaeOptions { Architecture = Architecture.Conv, Activation = activation, HiddenSizes = [64] };
        using var model = new VaeModel<float>(options, Device.Open("host"), seed: 4);
        AssertEncoderMatches(model);
        AssertDecoderMatches(model);
    }

    [Test]
    public void TheEncoderFileDeclaresOpsetNamesAndASymbolicBatch()
    {
        var options = new VaeOptions { HiddenSizes = [32, 16], LatentSize = 5, Activation = Activation.Elu };
        using var model = new VaeModel<float>(options, Device.Open("host"), seed: 5);
        byte[] bytes = OnnxExport.Serialize(model, ExportPart.Encoder);

        // ModelProto: ir_version 1, opset_import 8 (OperatorSetIdProto: domain 1, version 2), graph 7, producer_name 2.
        var file = new ProtobufFields(bytes);
        Assert.That(file.Int(1), Is.EqualTo(8), "ir_version");
        var opset = file.Messages(8).Single();
        Assert.That((opset.Has(1) ? opset.String(1) : "", opset.Int(2)), Is.EqualTo(("", 17L)), "the default domain, operator set 17");
        Assert.That(file.String(2), Is.EqualTo("scratchvae"));

        // GraphProto: node 1, initializer 5, input 11, output 12.
        var graph = file.Message(7);
        Assert.That(graph.Messages(11).Select(v => v.String(1)), Is.EqualTo(new[] { "x" }));
        Assert.That(graph.Messages(12).Select(v => v.String(1)), Is.EqualTo(new[] { "mu", "logvar" }));
        // ValueInfoProto.type 2 → TypeProto.tensor_type 1 → elem_type 1 (FLOAT), shape 2 → dim 1 → dim_param 2 / dim_value 1.
        foreach (var (value, width) in graph.Messages(11).Select(v => (v, 784L)).Concat(graph.Messages(12).Select(v => (v, 5L))))
        {
            var tensorType = value.Message(2).Message(1);
            Assert.That(tensorType.Int(1), Is.EqualTo(1), "float32");
            var dims = tensorType.Message(2).Messages(1);
            Assert.That(dims, Has.Count.EqualTo(2));
            Assert.That(dims[0].String(2), Is.EqualTo("batch"));
            Assert.That(dims[0].Has(1), Is.False, "the batch has no fixed size");
            Assert.That(dims[1].Int(1), Is.EqualTo(width));
        }
        // NodeProto op_type 4: three Gemm + Elu pairs would be hidden layers; here two, then the two heads.
        Assert.That(graph.Messages(1).Select(n => n.String(4)), Is.EqualTo(new[] { "Gemm", "Elu", "Gemm", "Elu", "Gemm", "Gemm" }));
        var gemm = graph.Messages(1)[0].Messages(5).Single();
        Assert.That((gemm.String(1), gemm.Int(3), gemm.Int(20)), Is.EqualTo(("transB", 1L, 2L)), "AttributeProto name 1, i 3, type 20 = INT");
        // TensorProto: dims 1, data_type 2, name 8, raw_data 9. The names and shapes are the state dict's.
        var initializers = graph.Messages(5);
        var expected = model.NamedParameters().Where(p => p.Name.StartsWith("encoder.", StringComparison.Ordinal)).ToList();
        Assert.That(initializers.Select(t => t.String(8)), Is.EqualTo(expected.Select(p => p.Name)));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(initializers[i].Ints(1), Is.EqualTo(expected[i].Parameter.Shape.ToArray().Select(d => (long)d)), expected[i].Name);
            Assert.That(initializers[i].Int(2), Is.EqualTo(1), "FLOAT");
            var raw = initializers[i].SingleBytes(9);
            var values = Enumerable.Range(0, raw.Length / 4).Select(k => BitConverter.ToSingle(raw, 4 * k));
            Assert.That(values, Is.EqualTo(expected[i].Parameter.Value.ToArray()), expected[i].Name + " holds the weights bit for bit");
        }

        // ONNX Runtime reads the same: -1 for the symbolic dimension, named "batch".
        using var session = new InferenceSession(bytes);
        Assert.That(session.InputMetadata.Keys, Is.EqualTo(new[] { "x" }));
        Assert.That(session.InputMetadata["x"].Dimensions, Is.EqualTo(new[] { -1, 784 }));
        Assert.That(session.InputMetadata["x"].SymbolicDimensions[0], Is.EqualTo("batch"));
        Assert.That(session.OutputMetadata.Keys, Is.EqualTo(new[] { "mu", "logvar" }));
        Assert.That(session.OutputMetadata["mu"].Dimensions, Is.EqualTo(new[] { -1, 5 }));
        Assert.That(session.OutputMetadata["logvar"].ElementDataType, Is.EqualTo(TensorElementType.Float));
        Assert.That(session.ModelMetadata.ProducerName, Is.EqualTo("scratchvae"));
        Assert.That(session.ModelMetadata.CustomMetadataMap["part"], Is.EqualTo("encoder"));
        Assert.That(session.ModelMetadata.CustomMetadataMap["model"], Is.EqualTo("784-32-16-5"));
    }

    [Test]
    public void TheDecoderFileHasLogitsAndMeansOverASymbolicBatch()
    {
        var options = new VaeOptions { Architecture = Architecture.Conv, HiddenSizes = [16], LatentSize = 3 };
        using var model = new VaeModel<float>(options, Device.Open("host"), seed: 6);
        using var session = new InferenceSession(OnnxExport.Serialize(model, ExportPart.Decoder));
        Assert.That(session.InputMetadata.Keys, Is.EqualTo(new[] { "z" }));
        Assert.That(session.InputMetadata["z"].Dimensions, Is.EqualTo(new[] { -1, 3 }));
        Assert.That(session.OutputMetadata.Keys, Is.EqualTo(new[] { "logits", "mean" }));
        foreach (string name in new[] { "logits", "mean" })
        {
            Assert.That(session.OutputMetadata[name].Dimensions, Is.EqualTo(new[] { -1, 784 }), name);
            Assert.That(session.OutputMetadata[name].SymbolicDimensions[0], Is.EqualTo("batch"), name);
        }
        var ops = OnnxExport.Build(model, ExportPart.Decoder).Nodes.Select(n => n.OpType);
        Assert.That(ops, Is.EqualTo(new[] { "Gemm", "Relu", "Gemm", "Relu", "Reshape", "ConvTranspose", "Relu", "ConvTranspose", "Flatten", "Sigmoid" }));
        Assert.That(session.ModelMetadata.CustomMetadataMap["architecture"], Is.EqualTo("conv"));
    }

    [Test]
    public void AnEmptyBatchGivesEmptyOutputs()
    {
        var options = new VaeOptions { Architecture = Architecture.Conv, HiddenSizes = [8], LatentSize = 2 };
        using var model = new VaeModel<float>(options, Device.Open("host"), seed: 7);
        using var encoder = new InferenceSession(OnnxExport.Serialize(model, ExportPart.Encoder));
        var outputs = OnnxRuntimeRunner.Run(encoder, "x", [], 0, 784, "mu", "logvar");
        Assert.That(outputs["mu"].Shape, Is.EqualTo(new long[] { 0, 2 }), "Reshape keeps the batch with 0, so an empty batch is not ambiguous");
    }

    /// <summary>The encoder file against model.Encode for test digits, at each batch size.</summary>
    internal static double AssertEncoderMatches(VaeModel<float> model)
    {
        using var session = new InferenceSession(OnnxExport.Serialize(model, ExportPart.Encoder));
        return AssertEncoderMatches(model, session);
    }

    /// <summary>An encoder session against model.Encode; returns the largest absolute difference.</summary>
    internal static double AssertEncoderMatches(VaeModel<float> model, InferenceSession session)
    {
        var images = TrainingData.First(1, 16).Test;
        int pixels = model.Options.InputSize, latent = model.Options.LatentSize, offset = 0;
        double largest = 0;
        foreach (int rows in BatchSizes)
        {
            var x = images.Pixels.AsSpan(offset * pixels, rows * pixels).ToArray();
            offset += rows;
            var (mu, logVar) = OnnxRuntimeRunner.Encode(model, x, rows);
            var onnx = OnnxRuntimeRunner.Run(session, "x", x, rows, pixels, "mu", "logvar");
            Assert.That(onnx["mu"].Shape, Is.EqualTo(new long[] { rows, latent }));
            largest = Math.Max(largest, AssertClose(onnx["mu"].Values, mu, $"mu, batch {rows}"));
            largest = Math.Max(largest, AssertClose(onnx["logvar"].Values, logVar, $"logvar, batch {rows}"));
        }
        return largest;
    }

    /// <summary>The decoder file against model.Decode and model.DecodeMeans for z ~ N(0, I), at each batch size.</summary>
    internal static double AssertDecoderMatches(VaeModel<float> model)
    {
        using var session = new InferenceSession(OnnxExport.Serialize(model, ExportPart.Decoder));
        return AssertDecoderMatches(model, session);
    }

    /// <summary>A decoder session against model.Decode and model.DecodeMeans; returns the largest absolute difference.</summary>
    internal static double AssertDecoderMatches(VaeModel<float> model, InferenceSession session)
    {
        int pixels = model.Options.InputSize, latent = model.Options.LatentSize;
        var random = new Random(11);
        double largest = 0;
        foreach (int rows in BatchSizes)
        {
            var z = Enumerable.Range(0, rows * latent).Select(_ => (float)random.NextGaussian()).ToArray();
            var (logits, means) = OnnxRuntimeRunner.Decode(model, z, rows);
            var onnx = OnnxRuntimeRunner.Run(session, "z", z, rows, latent, "logits", "mean");
            Assert.That(onnx["logits"].Shape, Is.EqualTo(new long[] { rows, pixels }));
            largest = Math.Max(largest, AssertClose(onnx["logits"].Values, logits, $"logits, batch {rows}"));
            largest = Math.Max(largest, AssertClose(onnx["mean"].Values, means, $"mean, batch {rows}"));
        }
        return largest;
    }

    /// <summary>Checks every element within the tolerance; returns the largest absolute difference.</summary>
    internal static double AssertClose(float[] actual, float[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]);
            largest = Math.Max(largest, difference);
            if (!(difference <= Absolute + Relative * Math.Abs(expected[i])))
                Assert.Fail($"{what}: element {i}: ONNX Runtime {actual[i]:R}, ScratchVae {expected[i]:R}, difference {difference:E3}");
        }
        return largest;
    }
}

internal static class RandomExtensions
{
    // Box–Muller; the tests only need a spread of latent codes around the prior's scale.
    public static double NextGaussian(this Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
