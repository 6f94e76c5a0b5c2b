using Microsoft.ML.OnnxRuntime;
using ScratchVae.Autograd;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae.Export;

/// <summary>Runs an exported ONNX file in ONNX Runtime (CPU), and the same model's forward pass in ScratchVae.</summary>
public static class OnnxRuntimeRunner
{
    /// <summary>Feeds <paramref name="values"/> [rows, columns] as <paramref name="input"/> and returns each named output, flattened, with its shape.</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(InferenceSession session, string input, float[] values, int rows, int columns, params string[] outputs)
    {
        ArgumentNullException.ThrowIfNull(session);
        using var tensor = OrtValue.CreateTensorValueFromMemory(values, [rows, columns]);
        using var options = new RunOptions();
        using var results = session.Run(options, [input], [tensor], outputs);
        var answer = new Dictionary<string, (float[], long[])>();
        for (int i = 0; i < outputs.Length; i++)
            answer[outputs[i]] = (results[i].GetTensorDataAsSpan<float>().ToArray(), results[i].GetTensorTypeAndShape().Shape);
        return answer;
    }

    /// <summary>mu and logVar of ScratchVae's own encoder for x [rows, D], on the model's device, float32.</summary>
    public static (float[] Mu, float[] LogVar) Encode(VaeModel<float> model, float[] x, int rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = Tape.NoGrad();
        var input = Var<float>.Constant(Tensor<float>.FromArray(x, Shape.Matrix(rows, model.Options.InputSize), model.Device), takeOwnership: true);
        var (mu, logVar) = model.Encode(input);
        return (mu.Value.ToArray(), logVar.Value.ToArray());
    }

    /// <summary>ScratchVae's own decoder logits and pixel means for z [rows, Z].</summary>
    public static (float[] Logits, float[] Means) Decode(VaeModel<float> model, float[] z, int rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = Tape.NoGrad();
        var input = Var<float>.Constant(Tensor<float>.FromArray(z, Shape.Matrix(rows, model.Options.LatentSize), model.Device), takeOwnership: true);
        var logits = model.Decode(input);
        var means = model.DecodeMeans(input);
        return (logits.Value.ToArray(), means.Value.ToArray());
    }
}
