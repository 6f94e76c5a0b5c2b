using System.Numerics;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// A trainable leaf: a value that requires gradients and keeps its gradient across backward passes and tape
/// resets, adding every new contribution to it, until <see cref="ZeroGradient"/> is called (as PyTorch's
/// <c>requires_grad</c> leaves and <c>optimizer.zero_grad()</c>). It owns its tensor: disposing the parameter
/// frees the value and the gradient. Tapes never free parameters.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Parameter<T> : Var<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a parameter that takes ownership of <paramref name="value"/>.</summary>
    /// <param name="value">The initial value; the parameter disposes it.</param>
    /// <param name="name">A name for messages and checkpoints, e.g. "encoder.weight".</param>
    public Parameter(Tensor<T> value, string name = "parameter")
        : base(CheckedValue(value), "parameter", requiresGrad: true, owner: null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    private static Tensor<T> CheckedValue(Tensor<T> value)
    {
        TensorChecks.Alive("Parameter", nameof(value), value);
        return value;
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>The accumulated gradient, or null before any backward pass has reached this parameter.</summary>
    public override Tensor<T>? Gradient
    {
        get
        {
            ThrowIfDisposed();
            return GradientStorage;
        }
    }

    /// <summary>
    /// Sets the accumulated gradient to zero, keeping its buffer (so a training loop allocates nothing new).
    /// Does nothing before the first backward pass. The buffer is not written here: the next backward pass
    /// overwrites it rather than adding to it (one pass over memory fewer per step, and weight-gradient GEMMs
    /// with beta = 0), and <see cref="Gradient"/> read before that fills it with zeros.
    /// </summary>
    public void ZeroGradient()
    {
        ThrowIfDisposed();
        ClearGradient();
    }

    /// <summary>The gradient buffer, allocated and zeroed if no backward pass has reached this parameter yet (for optimizers).</summary>
    public Tensor<T> GradientOrZeros()
    {
        ThrowIfDisposed();
        if (!HasGradientStorage)
        {
            var target = TargetFor(0)!.Value;
            Device.Backend.Fill(target.Buffer, 0, Length, T.Zero);
        }
        return GradientStorage!;
    }

    /// <summary>
    /// Moves the parameter to <paramref name="device"/> in place: the value is copied there and the old buffer freed;
    /// the gradient is dropped. Graphs recorded with the parameter on the old device must be recorded again.
    /// </summary>
    public void MoveTo(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ThrowIfDisposed();
        if (ReferenceEquals(device, Device)) return;
        ReplaceValue(Value.To(device));
    }

    /// <inheritdoc />
    public override string ToString() => IsDisposed ? $"Parameter '{Name}' {Shape} (freed)" : $"Parameter '{Name}' {Shape} {Tensor<T>.DType} on {Device.Name}";
}
