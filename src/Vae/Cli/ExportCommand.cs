using ScratchVae.Tensors;
using ScratchVae.Vae.Export;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae export --checkpoint DIR --part encoder|decoder --out FILE.onnx</c>: the trained encoder (x → mu,
/// logvar) or decoder (z → logits, mean) as a standard ONNX model, for ONNX Runtime and the tools that read ONNX.
/// </summary>
public static class ExportCommand
{
    /// <summary>The verb and its flag table.</summary>
    public static Verb Verb { get; } = new("export", "writes the encoder or the decoder as an ONNX model (operator set 17, dynamic batch)",
        [
            CommonFlags.Checkpoint,
            Flag.Choice("part", "encoder: x [batch, D] → mu, logvar [batch, Z]; decoder: z [batch, Z] → logits, mean [batch, D]", null, "encoder", "decoder") with { Required = true },
            Flag.Path("out", "the ONNX file to write (replaced atomically)", placeholder: "FILE.onnx") with { Required = true },
        ], Run)
    {
        Details =
        [
            "The weights are initializers named as in the checkpoint's state dict; linear layers are Gemm (transB = 1),",
            "convolutions Conv and ConvTranspose; the batch dimension is the symbol 'batch'. mean = sigmoid(logits).",
        ],
    };

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(Flags flags)
    {
        string folder = flags.Required("checkpoint");
        flags.Required("part");
        var part = flags.Choice("part") == "encoder" ? ExportPart.Encoder : ExportPart.Decoder;
        string output = flags.Required("out");
        if (!output.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"export: --out must name a .onnx file, not '{output}'.");
        using var checkpoint = LoadedCheckpoint.Open(folder, Device.Host);
        Console.WriteLine(checkpoint.Describe());
        byte[] bytes = OnnxExport.Serialize(checkpoint.Model, part);
        // AtomicFile names the file and the reason when it cannot be written, and leaves whatever was there untouched.
        if (Directory.Exists(output)) throw new IOException($"cannot write {output}: it is a folder");
        AtomicFile.Write(output, stream => stream.Write(bytes));
        var options = checkpoint.Model.Options;
        string shapes = part == ExportPart.Encoder
            ? $"x [batch, {options.InputSize}] → mu, logvar [batch, {options.LatentSize}]"
            : $"z [batch, {options.LatentSize}] → logits, mean [batch, {options.InputSize}]";
        Console.WriteLine($"wrote {output}: the {part.ToString().ToLowerInvariant()}, {shapes}, ONNX opset {OnnxWriter.OpsetVersion} (IR {OnnxWriter.IrVersion}), {bytes.Length:N0} bytes");
        return 0;
    }
}
