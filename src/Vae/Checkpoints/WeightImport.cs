using System.Globalization;
using System.Text.RegularExpressions;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Checkpoints;

/// <summary>A state dict read from a file of weights, renamed to ScratchVae's names, and the architecture its shapes describe.</summary>
/// <param name="Model">The architecture inferred from the shapes, with the activation and likelihood that were given.</param>
/// <param name="Weights">The tensors under ScratchVae's names, in the file's values (F32 or F64).</param>
/// <param name="Layout">Whose names the file used: "examples/vae" (fc1 … fc4) or "ScratchVae" (encoder.hidden.0 …).</param>
public sealed record ImportedWeights(VaeOptions Model, StateDict Weights, string Layout);

/// <summary>
/// Reads the weights of a VAE written by another program — PyTorch's <c>safetensors.torch.save_file(model.state_dict())</c>,
/// which writes no <c>__metadata__</c> and no config.json — and infers the architecture from the tensors' shapes, so
/// that <c>scratchvae import</c> can make a checkpoint folder of them. Two sets of names are understood:
/// <list type="bullet">
/// <item>PyTorch's examples/vae (<c>main.py</c>'s <c>VAE</c>: one hidden layer), renamed as <see cref="ExamplesVaeNames"/>:
/// fc1 → encoder.hidden.0, fc21 → encoder.mu, fc22 → encoder.logvar, fc3 → decoder.hidden.0, fc4 → decoder.out;</item>
/// <item>ScratchVae's own (<see cref="VaeModel{T}"/>): any number of hidden layers, and the convolutional architecture
/// (recognised by <c>encoder.conv.*</c> / <c>decoder.deconv.*</c>).</item>
/// </list>
/// Shapes are PyTorch's: a linear weight is [out, in]. A file whose tensors fit neither is refused in one line that
/// names the missing keys, the unexpected ones and the shapes that differ.
/// </summary>
public static partial class WeightImport
{
    /// <summary>PyTorch examples/vae's layer names and ScratchVae's for the same layers (each with <c>.weight</c> and <c>.bias</c>).</summary>
    public static IReadOnlyList<(string ExamplesVae, string ScratchVae)> ExamplesVaeNames { get; } =
    [
        ("fc1", "encoder.hidden.0"),
        ("fc21", "encoder.mu"),
        ("fc22", "encoder.logvar"),
        ("fc3", "decoder.hidden.0"),
        ("fc4", "decoder.out"),
    ];

    [GeneratedRegex(@"^fc[0-9]+\.")]
    private static partial Regex ExamplesVaeKey();

    /// <summary>
    /// Reads <paramref name="path"/> (any safetensors file, with or without <c>__metadata__</c>) and returns its weights under
    /// ScratchVae's names with the architecture they describe; <paramref name="settings"/> gives what shapes cannot
    /// tell (activation, likelihood, variance, β). Throws <see cref="CheckpointException"/> naming the file.
    /// </summary>
    public static ImportedWeights Read(string path, VaeOptions settings)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new CheckpointException(path, "no such file");
        StateDict state;
        try
        {
            state = StateDict.Load(path);
        }
        catch (SafeTensorsException exception)
        {
            throw new CheckpointException(path, exception.Problem);
        }
        return FromStateDict(state, settings, path);
    }

    /// <summary>As <see cref="Read"/> for tensors already read; <paramref name="path"/> names them in messages.</summary>
    public static ImportedWeights FromStateDict(StateDict state, VaeOptions settings, string path)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(settings);
        bool examplesVae = state.Names.Any(name => ExamplesVaeKey().IsMatch(name));
        string layout = examplesVae ? "examples/vae" : "ScratchVae";
        // ScratchVae name → the file's own, so that messages speak the file's language.
        var renamed = new StateDict();
        var fileName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tensor in state)
        {
            string name = examplesVae ? ToScratchVae(tensor.Name) : tensor.Name;
            if (renamed.Contains(name)) throw new CheckpointException(path, $"it holds both {fileName[name]} and {tensor.Name}, which name the same layer");
            renamed.Add(tensor with { Name = name });
            fileName[name] = tensor.Name;
        }
        string Show(string scratchVaeName) => fileName.TryGetValue(scratchVaeName, out var own) ? own : examplesVae ? ToExamplesVae(scratchVaeName) : scratchVaeName;

        var model = Infer(renamed, settings, layout, path, Show);
        try
        {
            model.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new CheckpointException(path, $"its shapes describe a model ScratchVae cannot build ({exception.Message.TrimEnd('.')})");
        }

        // The names and shapes of the model those shapes describe, against the file's.
        var expected = ExpectedShapes(model);
        var missing = expected.Where(e => !renamed.Contains(e.Name)).Select(e => $"{Show(e.Name)} {Text(e.Shape)}").ToList();
        var unexpected = renamed.Where(t => !expected.Any(e => e.Name == t.Name)).Select(t => $"{Show(t.Name)} {t.ShapeText}").ToList();
        var mismatched = expected.Where(e => renamed.Contains(e.Name) && !renamed[e.Name].Shape.SequenceEqual(e.Shape))
            .Select(e => $"{Show(e.Name)} is {renamed[e.Name].ShapeText} where {Text(e.Shape)} belongs").ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected {string.Join(", ", unexpected)}");
            if (mismatched.Count > 0) parts.Add($"mismatched shapes: {string.Join(", ", mismatched)}");
            throw new CheckpointException(path, $"its tensors fit no layout ScratchVae knows (read with {layout}'s names as a {Describe(model)} model): {string.Join("; ", parts)}; " +
                "the layouts are examples/vae's fc1, fc21, fc22, fc3, fc4 or ScratchVae's encoder.hidden.N, encoder.mu, encoder.logvar, decoder.hidden.N, decoder.out");
        }
        foreach (var tensor in renamed)
        {
            int bad = Array.FindIndex(tensor.Values, v => !double.IsFinite(v) || !float.IsFinite((float)v));
            if (bad >= 0) throw new CheckpointException(path, $"tensor '{Show(tensor.Name)}' holds a value that is not a finite float32 at element {bad}");
        }
        // In the model's own parameter order, which is the order a checkpoint stores.
        var ordered = new StateDict(expected.Select(e => renamed[e.Name]));
        return new ImportedWeights(model, ordered, layout);
    }

    /// <summary>The name and shape of every parameter of <paramref name="model"/>, in the order of <see cref="VaeModel{T}"/>'s parameters.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> ExpectedShapes(VaeOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var shapes = new List<(string, int[])>();
        void Linear(string name, int input, int output)
        {
            shapes.Add(($"{name}.weight", [output, input]));
            shapes.Add(($"{name}.bias", [output]));
        }
        int k = VaeOptions.ConvKernel, c1 = VaeOptions.ConvChannels1, c2 = VaeOptions.ConvChannels2;
        if (model.Architecture == Architecture.Conv)
        {
            int hidden = model.HiddenSizes[0];
            shapes.Add(("encoder.conv.0.weight", [c1, 1, k, k]));
            shapes.Add(("encoder.conv.0.bias", [c1]));
            shapes.Add(("encoder.conv.1.weight", [c2, c1, k, k]));
            shapes.Add(("encoder.conv.1.bias", [c2]));
            Linear("encoder.hidden.0", model.ConvFeatures, hidden);
            Linear("encoder.mu", hidden, model.LatentSize);
            Linear("encoder.logvar", hidden, model.LatentSize);
            Linear("decoder.hidden.0", model.LatentSize, hidden);
            Linear("decoder.hidden.1", hidden, model.ConvFeatures);
            // ConvTranspose2d's weight is [in, out, k, k].
            shapes.Add(("decoder.deconv.0.weight", [c2, c1, k, k]));
            shapes.Add(("decoder.deconv.0.bias", [c1]));
            shapes.Add(("decoder.deconv.1.weight", [c1, 1, k, k]));
            shapes.Add(("decoder.deconv.1.bias", [1]));
            return shapes;
        }
        int width = model.InputSize;
        for (int i = 0; i < model.HiddenSizes.Length; i++)
        {
            Linear($"encoder.hidden.{i}", width, model.HiddenSizes[i]);
            width = model.HiddenSizes[i];
        }
        Linear("encoder.mu", width, model.LatentSize);
        Linear("encoder.logvar", width, model.LatentSize);
        width = model.LatentSize;
        var reversed = model.HiddenSizes.Reverse().ToArray();
        for (int i = 0; i < reversed.Length; i++)
        {
            Linear($"decoder.hidden.{i}", width, reversed[i]);
            width = reversed[i];
        }
        Linear("decoder.out", width, model.InputSize);
        return shapes;
    }

    // The architecture the shapes describe: widths from the encoder's weights, [out, in] each, with the decoder's as
    // the fallback where an encoder tensor is missing (the comparison that follows then names it).
    private static VaeOptions Infer(StateDict state, VaeOptions settings, string layout, string path, Func<string, string> show)
    {
        int? Dimension(string name, int axis, int rank)
        {
            if (!state.TryGet(name, out var tensor) || tensor.Shape.Length != rank) return null;
            return tensor.Shape[axis];
        }
        string Need(string what, params string[] names) =>
            $"its tensors fit no layout ScratchVae knows (read with {layout}'s names): {what} cannot be told without {string.Join(" or ", names.Select(show))}; " +
            $"the file holds {(state.Count == 0 ? "no tensors" : string.Join(", ", state.Select(t => $"{show(t.Name)} {t.ShapeText}")))}";

        bool conv = state.Names.Any(name => name.StartsWith("encoder.conv.", StringComparison.Ordinal) || name.StartsWith("decoder.deconv.", StringComparison.Ordinal));
        int latent = Dimension("encoder.mu.weight", 0, 2) ?? Dimension("encoder.logvar.weight", 0, 2) ?? Dimension("decoder.hidden.0.weight", 1, 2)
            ?? throw new CheckpointException(path, Need("the latent size", "encoder.mu.weight", "encoder.logvar.weight", "decoder.hidden.0.weight"));
        if (conv)
        {
            int hidden = Dimension("encoder.hidden.0.weight", 0, 2) ?? Dimension("encoder.mu.weight", 1, 2) ?? Dimension("decoder.hidden.0.weight", 0, 2)
                ?? throw new CheckpointException(path, Need("the hidden width", "encoder.hidden.0.weight", "encoder.mu.weight", "decoder.hidden.0.weight"));
            int features = Dimension("encoder.hidden.0.weight", 1, 2) ?? Dimension("decoder.hidden.1.weight", 0, 2)
                ?? throw new CheckpointException(path, Need("the image size", "encoder.hidden.0.weight", "decoder.hidden.1.weight"));
            // features = 64 · (S/4)²
            int quarter = (int)Math.Round(Math.Sqrt(features / (double)VaeOptions.ConvChannels2));
            if (quarter < 1 || VaeOptions.ConvChannels2 * quarter * quarter != features)
                throw new CheckpointException(path, $"its convolutional tensors flatten {features} features, which is not {VaeOptions.ConvChannels2} channels of (S/4) × (S/4) pixels for any image side S");
            int side = 4 * quarter;
            return settings with { Architecture = Architecture.Conv, InputSize = side * side, HiddenSizes = [hidden], LatentSize = latent };
        }
        var hiddenSizes = new List<int>();
        while (Dimension($"encoder.hidden.{hiddenSizes.Count}.weight", 0, 2) is int width && hiddenSizes.Count < VaeOptions.MaxHiddenLayers) hiddenSizes.Add(width);
        if (hiddenSizes.Count == 0)
        {
            // No encoder layers: the decoder's, mirrored, so that the comparison below names what is missing.
            while (Dimension($"decoder.hidden.{hiddenSizes.Count}.weight", 0, 2) is int width && hiddenSizes.Count < VaeOptions.MaxHiddenLayers) hiddenSizes.Add(width);
            hiddenSizes.Reverse();
        }
        int input = (hiddenSizes.Count > 0 ? Dimension("encoder.hidden.0.weight", 1, 2) : Dimension("encoder.mu.weight", 1, 2)) ?? Dimension("decoder.out.weight", 0, 2)
            ?? throw new CheckpointException(path, Need("the input size", "encoder.hidden.0.weight", "decoder.out.weight"));
        return settings with { Architecture = Architecture.Mlp, InputSize = input, HiddenSizes = [.. hiddenSizes], LatentSize = latent };
    }

    private static string ToScratchVae(string name)
    {
        foreach (var (examples, scratch) in ExamplesVaeNames)
            if (name.StartsWith(examples + ".", StringComparison.Ordinal)) return scratch + name[examples.Length..];
        return name;
    }

    private static string ToExamplesVae(string name)
    {
        foreach (var (examples, scratch) in ExamplesVaeNames)
            if (name.StartsWith(scratch + ".", StringComparison.Ordinal)) return examples + name[scratch.Length..];
        return name;
    }

    private static string Text(int[] shape) => $"[{string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}]";

    private static string Describe(VaeOptions model) => model.Describe();
}
