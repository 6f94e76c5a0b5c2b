using System.Numerics;

namespace ScratchVae.Tensors;

/// <summary>One named tensor of a state dict or a safetensors file, held on the host as float64 values.</summary>
/// <param name="Name">The tensor name, e.g. "encoder.hidden.0.weight".</param>
/// <param name="DType">"F32" or "F64": how it is (or was) stored.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Values">Row-major values.</param>
public sealed record NamedTensor(string Name, string DType, int[] Shape, double[] Values)
{
    /// <summary>The safetensors dtype of <typeparamref name="T"/>: "F32" for float, "F64" for double.</summary>
    public static string DTypeOf<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? "F32" : typeof(T) == typeof(double) ? "F64"
            : throw new NotSupportedException($"safetensors: element type {typeof(T).Name} is not supported (float or double).");

    /// <summary>A host copy of <paramref name="tensor"/> under <paramref name="name"/>, stored as its own element type.</summary>
    public static NamedTensor From<T>(string name, Tensor<T> tensor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        TensorChecks.Alive("NamedTensor.From", nameof(tensor), tensor);
        var values = tensor.ToArray();
        var doubles = new double[values.Length];
        for (int i = 0; i < values.Length; i++) doubles[i] = double.CreateTruncating(values[i]);
        return new NamedTensor(name, DTypeOf<T>(), tensor.Shape.ToArray(), doubles);
    }

    /// <summary>The shape as a <see cref="Tensors.Shape"/>.</summary>
    public Shape TensorShape => new(Shape);

    /// <summary>"[400, 784]", for messages.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    /// <summary>The values rounded to <typeparamref name="T"/> (exact for an F32 tensor read as float).</summary>
    public T[] ValuesAs<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[Values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = T.CreateTruncating(Values[i]);
        return result;
    }
}
