using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// The bookkeeping every forward function shares: checks that the inputs are alive and on one device, finds the
/// active scope, decides whether the operation must be recorded (a recording tape and an input that requires
/// gradients), and wraps the output tensor as a <see cref="Var{T}"/> owned by that scope.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct ForwardContext<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private ForwardContext(string operation, Tape tape, Device device, bool recordsGradient)
    {
        Operation = operation;
        Tape = tape;
        Device = device;
        RecordsGradient = recordsGradient;
    }

    /// <summary>The operation's name, for messages.</summary>
    public string Operation { get; }

    /// <summary>The scope that will own the output.</summary>
    public Tape Tape { get; }

    /// <summary>The device of the inputs, where the output is computed.</summary>
    public Device Device { get; }

    /// <summary>The device's primitives.</summary>
    public IBackend Backend => Device.Backend;

    /// <summary>True when the output requires gradients and the operation must be recorded.</summary>
    public bool RecordsGradient { get; }

    /// <summary>Validates <paramref name="inputs"/> for <paramref name="operation"/> and opens its forward pass.</summary>
    public static ForwardContext<T> Begin(string operation, params ReadOnlySpan<Var<T>> inputs)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (inputs.Length == 0) throw new ArgumentException($"{operation}: an operation needs at least one input.", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"{operation}: input {i} is null.");
            if (inputs[i].IsDisposed)
                throw new ObjectDisposedException(inputs[i].Describe(),
                    $"{operation}: input {i}, the {Tensor<T>.DType} value {inputs[i].Shape} produced by '{inputs[i].Operation}', was used after it was freed (its tape was reset or disposed, or it was disposed directly).");
        }
        var device = inputs[0].Device;
        for (int i = 1; i < inputs.Length; i++)
        {
            if (!ReferenceEquals(inputs[i].Device, device))
                throw new ArgumentException(
                    $"{operation}: inputs live on different devices: input 0 {inputs[0].Shape} on '{device.Name}', input {i} {inputs[i].Shape} on '{inputs[i].Device.Name}'; move one with Tensor.To(device) first.");
        }
        var tape = Tape.Current ?? throw new InvalidOperationException(
            $"{operation}: no tape is active. Open one for training (using var tape = new Tape();) or a no-gradient scope for evaluation (using var scope = Tape.NoGrad();); the scope frees the intermediate values when it ends.");
        bool records = false;
        if (tape.IsRecording)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!inputs[i].RequiresGrad) continue;
                records = true;
                if (inputs[i].Creator is not null && !ReferenceEquals(inputs[i].Owner, tape))
                    throw new InvalidOperationException(
                        $"{operation}: input {i}, the value {inputs[i].Shape} produced by '{inputs[i].Operation}', was recorded on another tape; gradients cannot flow between tapes. Compute it on the active tape.");
            }
        }
        return new ForwardContext<T>(operation, tape, device, records);
    }

    /// <summary>
    /// Computes <paramref name="operation"/> into a new tensor of <paramref name="outputShape"/> (its
    /// <see cref="Operation{T}.Forward"/>) and returns the result: recorded on the tape when
    /// <see cref="RecordsGradient"/>, otherwise its saved tensors are freed at once. Recorded operations can be
    /// recomputed by <see cref="Tape.Replay"/>.
    /// </summary>
    public Var<T> Run(Operation<T> operation, Shape outputShape)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var output = Tensor<T>.Empty(outputShape, Device);
        try
        {
            operation.RunForward(output);
        }
        catch
        {
            output.Dispose();
            ((ITapeEntry)operation).Release();
            throw;
        }
        return Finish(output, operation);
    }

    /// <summary>
    /// Wraps <paramref name="output"/> (a tensor the forward pass computed, now owned by the scope) as the result.
    /// <paramref name="operation"/> is recorded when <see cref="RecordsGradient"/>; pass null otherwise.
    /// </summary>
    public Var<T> Finish(Tensor<T> output, Operation<T>? operation)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (RecordsGradient && operation is null)
            throw new InvalidOperationException($"{Operation}: the output requires gradients but no operation was given to record.");
        var result = Var<T>.Computed(output, Operation, RecordsGradient, Tape);
        Tape.Own(result);
        if (RecordsGradient)
        {
            operation!.Attach(result);
            result.Creator = operation;
            Tape.Record(operation);
        }
        else
        {
            ((ITapeEntry?)operation)?.Release();
        }
        return result;
    }
}
