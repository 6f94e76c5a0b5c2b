using System.Numerics;

namespace ScratchVae.Tensors;

/// <summary>Validation shared by everything that computes on tensors; messages name the operation, shapes and devices.</summary>
public static class TensorChecks
{
    /// <summary>Throws unless the tensor is alive.</summary>
    public static void Alive<T>(string operation, string operand, Tensor<T> tensor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensor, operand);
        if (tensor.IsDisposed)
            throw new ObjectDisposedException(operand, $"{operation}: input '{operand}' (a {Tensor<T>.DType} tensor of shape {tensor.Shape}) was used after it was disposed.");
    }

    /// <summary>Throws unless both tensors live on the same device.</summary>
    public static void SameDevice<T>(string operation, Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!ReferenceEquals(a.Device, b.Device))
            throw new ArgumentException($"{operation}: inputs live on different devices ('{a.Device.Name}' {a.Shape} and '{b.Device.Name}' {b.Shape}); move one with Tensor.To(device) first.");
    }

    /// <summary>Throws unless both tensors have the same shape.</summary>
    public static void SameShape<T>(string operation, Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Shape != b.Shape)
            throw new ArgumentException($"{operation}: shapes {a.Shape} and {b.Shape} do not match.");
    }

    /// <summary>Throws unless the tensor has rank 2.</summary>
    public static void Matrix<T>(string operation, string operand, Tensor<T> tensor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (tensor.Shape.Rank != 2)
            throw new ArgumentException($"{operation}: input '{operand}' must be a matrix (rank 2) but has shape {tensor.Shape}.");
    }
}
