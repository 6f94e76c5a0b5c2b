// Shape legend: B examples (the symbolic dimension "batch"), D pixels (784), S × S the image (28 × 28), Z latent
// dimensions (20); for the convolutional model F = 64 · (S/4)² flattened features.
//   encoder  x [B, D] → mu [B, Z], logvar [B, Z]
//   decoder  z [B, Z] → logits [B, D], mean = sigmoid(logits) [B, D]
using ScratchVae.Autograd;
using ScratchVae.Autograd.Layers;
using ScratchVae.Vae.Model;
using ActivationKind = ScratchVae.Vae.Model.Activation;

namespace ScratchVae.Vae.Export;

/// <summary>Which half of the VAE a file holds.</summary>
public enum ExportPart
{
    /// <summary>q(z|x): x → mu, logvar.</summary>
    Encoder,
    /// <summary>p(x|z): z → logits, mean.</summary>
    Decoder,
}

/// <summary>
/// The encoder or the decoder of a trained <see cref="VaeModel{T}"/> as an ONNX graph of standard operators (operator
/// set 17), with the weights as initializers named as in the checkpoint's state dict (<c>encoder.hidden.0.weight</c>).
/// A linear layer y = x Wᵀ + b is a Gemm with transB = 1 (W stays [out, in], as PyTorch stores it); the activations
/// are Relu, Tanh and Elu (α = 1); convolutions are Conv and ConvTranspose with PyTorch's weight layouts, which are
/// ONNX's; the image views are Reshape and Flatten.
/// </summary>
public static class OnnxExport
{
    /// <summary>The name of the symbolic batch dimension of every input and output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The ONNX file's bytes for <paramref name="part"/> of <paramref name="model"/>.</summary>
    public static byte[] Serialize(VaeModel<float> model, ExportPart part)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = Build(model, part);
        var options = model.Options;
        string what = part == ExportPart.Encoder
            ? "the encoder q(z|x) of a variational autoencoder: x [batch, D] (pixels in [0, 1]) → mu, logvar [batch, Z] (z = mu + exp(logvar / 2) · eps)"
            : "the decoder p(x|z) of a variational autoencoder: z [batch, Z] → logits [batch, D] and mean = sigmoid(logits), the pixel means";
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("part", part.ToString().ToLowerInvariant()),
            new("architecture", options.Architecture.ToString().ToLowerInvariant()),
            new("model", options.Describe()),
            new("activation", options.Activation.ToString().ToLowerInvariant()),
            new("likelihood", options.Likelihood.ToString().ToLowerInvariant()),
            new("input_size", options.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("latent_size", options.LatentSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return OnnxWriter.Model(graph, Program.Version, what, metadata);
    }

    /// <summary>The graph of <paramref name="part"/> of <paramref name="model"/>.</summary>
    public static OnnxGraph Build(VaeModel<float> model, ExportPart part)
    {
        ArgumentNullException.ThrowIfNull(model);
        var builder = new GraphBuilder(model);
        var options = model.Options;
        int pixels = options.InputSize, latent = options.LatentSize;
        var batch = OnnxDimension.Named(BatchDimension);
        if (part == ExportPart.Encoder)
        {
            string h = model.Encoder switch
            {
                MlpEncoder<float> mlp => builder.HiddenLinears("x", mlp.Hidden, options.Activation),
                ConvEncoder<float> conv => ConvEncoderHidden(builder, conv, options),
                _ => throw new NotSupportedException($"export: the encoder {model.Encoder.GetType().Name} has no ONNX form."),
            };
            builder.Linear(h, model.Encoder.Mu, "mu");
            builder.Linear(h, model.Encoder.LogVar, "logvar");
            return builder.Graph("scratchvae_encoder",
                [new OnnxValue("x", [batch, OnnxDimension.Fixed(pixels)])],
                [new OnnxValue("mu", [batch, OnnxDimension.Fixed(latent)]), new OnnxValue("logvar", [batch, OnnxDimension.Fixed(latent)])]);
        }
        switch (model.Decoder)
        {
            case MlpDecoder<float> mlp:
                builder.Linear(builder.HiddenLinears("z", mlp.Hidden, options.Activation), mlp.Out, "logits");
                break;
            case ConvDecoder<float> conv:
                ConvDecoderLogits(builder, conv, options, "logits");
                break;
            default:
                throw new NotSupportedException($"export: the decoder {model.Decoder.GetType().Name} has no ONNX form.");
        }
        // mean = E[x | z] = sigmoid(logits), what the pictures show.
        builder.Node("Sigmoid", ["logits"], "mean");
        return builder.Graph("scratchvae_decoder",
            [new OnnxValue("z", [batch, OnnxDimension.Fixed(latent)])],
            [new OnnxValue("logits", [batch, OnnxDimension.Fixed(pixels)]), new OnnxValue("mean", [batch, OnnxDimension.Fixed(pixels)])]);
    }

    // x [B, D] → [B, 1, S, S] → conv, act → conv, act → [B, F] → hidden linear, act.
    private static string ConvEncoderHidden(GraphBuilder builder, ConvEncoder<float> encoder, VaeOptions options)
    {
        string h = builder.Reshape("x", [0, 1, options.ImageSide, options.ImageSide], "encoder.image");
        foreach (var convolution in encoder.Convolutions) h = builder.Activation(builder.Conv(h, convolution), options.Activation);
        h = builder.Flatten(h, "encoder.features");
        return builder.HiddenLinears(h, encoder.Hidden, options.Activation);
    }

    // z [B, Z] → linear, act → linear, act → [B, 64, S/4, S/4] → deconv, act → deconv → [B, D].
    private static void ConvDecoderLogits(GraphBuilder builder, ConvDecoder<float> decoder, VaeOptions options, string output)
    {
        int quarter = options.ImageSide / 4;
        string h = builder.HiddenLinears("z", decoder.Hidden, options.Activation);
        h = builder.Reshape(h, [0, VaeOptions.ConvChannels2, quarter, quarter], "decoder.image");
        h = builder.Activation(builder.ConvTranspose(h, decoder.Deconvolutions[0]), options.Activation);
        h = builder.ConvTranspose(h, decoder.Deconvolutions[1]);
        builder.Flatten(h, output);
    }

    /// <summary>Collects nodes and initializers; every value gets a fresh name unless one is asked for.</summary>
    private sealed class GraphBuilder(VaeModel<float> model)
    {
        private readonly List<OnnxNode> _nodes = [];
        private readonly List<OnnxTensor> _initializers = [];
        private readonly Dictionary<Parameter<float>, string> _names =
            new(model.NamedParameters().Select(named => KeyValuePair.Create(named.Parameter, named.Name)), ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, int> _counts = [];

        public OnnxGraph Graph(string name, IReadOnlyList<OnnxValue> inputs, IReadOnlyList<OnnxValue> outputs) =>
            new(name, _nodes, _initializers, inputs, outputs);

        public string Node(string opType, IReadOnlyList<string> inputs, string? output = null, params IReadOnlyList<OnnxAttribute> attributes)
        {
            string name = Fresh(opType);
            output ??= name;
            _nodes.Add(new OnnxNode(opType, name, inputs, [output], attributes));
            return output;
        }

        // act(… act(x W₀ᵀ + b₀) …) over the layers of a hidden list.
        public string HiddenLinears(string input, IEnumerable<Linear<float>> layers, ActivationKind activation)
        {
            string h = input;
            foreach (var layer in layers) h = Activation(Linear(h, layer), activation);
            return h;
        }

        // y = x Wᵀ + b: Gemm(A = x, B = W, C = b, transB = 1), alpha = beta = 1 by default.
        public string Linear(string input, Linear<float> layer, string? output = null) =>
            Node("Gemm", [input, .. Weights(layer.Weight, layer.Bias)], output, OnnxAttribute.Int("transB", 1));

        public string Activation(string input, ActivationKind activation) => activation switch
        {
            ActivationKind.Relu => Node("Relu", [input]),
            ActivationKind.Tanh => Node("Tanh", [input]),
            // elu(x) = x for x > 0, α (exp(x) − 1) otherwise; ScratchVae's α is 1 (ONNX's default, written out).
            ActivationKind.Elu => Node("Elu", [input], null, OnnxAttribute.Float("alpha", 1f)),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
        };

        // PyTorch's Conv2d: weight [O, C, K, K], symmetric zero padding; ONNX's pads are [top, left, bottom, right].
        public string Conv(string input, Conv2d<float> layer) =>
            Node("Conv", [input, .. Weights(layer.Weight, layer.Bias)], null,
                OnnxAttribute.Ints("kernel_shape", layer.Kernel, layer.Kernel),
                OnnxAttribute.Ints("strides", layer.Stride, layer.Stride),
                OnnxAttribute.Ints("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding));

        // PyTorch's ConvTranspose2d: weight [C, O, K, K], as ONNX's; output (H − 1)·stride − 2·padding + K + output_padding.
        public string ConvTranspose(string input, ConvTranspose2d<float> layer) =>
            Node("ConvTranspose", [input, .. Weights(layer.Weight, layer.Bias)], null,
                OnnxAttribute.Ints("kernel_shape", layer.Kernel, layer.Kernel),
                OnnxAttribute.Ints("strides", layer.Stride, layer.Stride),
                OnnxAttribute.Ints("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding),
                OnnxAttribute.Ints("output_padding", layer.OutputPadding, layer.OutputPadding));

        // A 0 in the target shape keeps that dimension of the input (allowzero = 0, the default): the batch passes
        // through for any size, 0 included, where −1 would be ambiguous for an empty batch.
        public string Reshape(string input, long[] shape, string shapeName)
        {
            _initializers.Add(OnnxTensor.Int64s(shapeName + ".shape", shape));
            return Node("Reshape", [input, shapeName + ".shape"]);
        }

        // [B, C, H, W] → [B, C·H·W], the row-major order of PyTorch's flatten and ScratchVae's reshape.
        public string Flatten(string input, string? output) => Node("Flatten", [input], output, OnnxAttribute.Int("axis", 1));

        private IEnumerable<string> Weights(Parameter<float> weight, Parameter<float>? bias)
        {
            yield return Initializer(weight);
            if (bias is not null) yield return Initializer(bias);
        }

        private string Initializer(Parameter<float> parameter)
        {
            string name = _names[parameter];
            if (_initializers.Any(tensor => tensor.Name == name)) return name;
            var dimensions = Enumerable.Range(0, parameter.Shape.Rank).Select(axis => (long)parameter.Shape[axis]).ToArray();
            _initializers.Add(OnnxTensor.Floats(name, dimensions, parameter.Value.ToArray()));
            return name;
        }

        private string Fresh(string opType)
        {
            int count = _counts.GetValueOrDefault(opType);
            _counts[opType] = count + 1;
            return $"{opType.ToLowerInvariant()}_{count}";
        }
    }
}
