using System.Numerics;

namespace ScratchVae.Kernels;

/// <summary>
/// Argument validation shared by every backend, so that a bad call fails the same way everywhere with a
/// message that names the primitive, the operand and the sizes — never an IndexOutOfRange from inside a kernel.
/// </summary>
public static class ArgumentChecks
{
    /// <summary>Checks that <paramref name="buffer"/> is alive, belongs to <paramref name="backend"/> and holds at least offset + needed elements.</summary>
    public static void Buffer<T>(IBackend backend, string primitive, string operand, DeviceBuffer<T>? buffer, long needed, long offset = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (buffer is null) throw new ArgumentNullException(operand, $"{primitive}: operand '{operand}' is null.");
        if (buffer.IsDisposed) throw new ObjectDisposedException(operand, $"{primitive}: operand '{operand}' ({buffer}) was used after it was disposed.");
        if (!ReferenceEquals(buffer.Backend, backend))
            throw new ArgumentException($"{primitive}: operand '{operand}' lives on device '{buffer.Backend.Name}' but the operation runs on '{backend.Name}'; copy it explicitly first.", operand);
        if (offset < 0) throw new ArgumentOutOfRangeException(operand, offset, $"{primitive}: operand '{operand}' has a negative offset {offset}.");
        if (needed < 0) throw new ArgumentOutOfRangeException(operand, needed, $"{primitive}: operand '{operand}' was asked for a negative length {needed}.");
        if (offset + needed > buffer.Length)
            throw new ArgumentException($"{primitive}: operand '{operand}' needs {needed} elements from offset {offset} (up to {offset + needed}) but its buffer has {buffer.Length}.", operand);
    }

    /// <summary>Checks that a size argument is ≥ <paramref name="minimum"/>.</summary>
    public static void Size(string primitive, string name, long value, long minimum = 0)
    {
        if (value < minimum) throw new ArgumentOutOfRangeException(name, value, $"{primitive}: {name} must be at least {minimum} but is {value}.");
    }

    /// <summary>Checks that rows × columns fits an int and returns it.</summary>
    public static int Product(string primitive, int rows, int columns)
    {
        Size(primitive, "rows", rows);
        Size(primitive, "columns", columns);
        long product = (long)rows * columns;
        if (product > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(rows), product, $"{primitive}: {rows} × {columns} elements exceed the largest buffer ({int.MaxValue}).");
        return (int)product;
    }

    /// <summary>Checks a per-channel layout x [N, C, S] (every size ≥ 0, C ≥ 1 when there are pixels) and returns N·C·S.</summary>
    public static int ChannelLayout(string primitive, int batch, int channels, int pixels)
    {
        Size(primitive, "batch", batch);
        Size(primitive, "channels", channels);
        Size(primitive, "pixels", pixels);
        long product = (long)batch * channels * pixels;
        if (product > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(batch), product, $"{primitive}: {batch} × {channels} × {pixels} elements exceed the largest buffer ({int.MaxValue}).");
        return (int)product;
    }

    /// <summary>The number of elements operand b needs for a rows × columns binary map under <paramref name="broadcast"/>.</summary>
    public static int BroadcastLength(Broadcast broadcast, int rows, int columns) => broadcast switch
    {
        Broadcast.None => rows * columns,
        Broadcast.Row => columns,
        Broadcast.Column => rows,
        Broadcast.Scalar => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(broadcast), broadcast, "Unknown broadcast mode."),
    };

    /// <summary>Checks Adam's hyper-parameters (finite, in range, step ≥ 1).</summary>
    public static void Adam(AdamSettings s)
    {
        if (!(s.LearningRate >= 0) || double.IsInfinity(s.LearningRate)) throw new ArgumentOutOfRangeException(nameof(s), s.LearningRate, $"AdamUpdate: learning rate must be finite and ≥ 0, got {s.LearningRate}.");
        if (!(s.Beta1 >= 0 && s.Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(s), s.Beta1, $"AdamUpdate: beta1 must be in [0, 1), got {s.Beta1}.");
        if (!(s.Beta2 >= 0 && s.Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(s), s.Beta2, $"AdamUpdate: beta2 must be in [0, 1), got {s.Beta2}.");
        if (!(s.Epsilon >= 0) || double.IsInfinity(s.Epsilon)) throw new ArgumentOutOfRangeException(nameof(s), s.Epsilon, $"AdamUpdate: epsilon must be finite and ≥ 0, got {s.Epsilon}.");
        if (!(s.WeightDecay >= 0) || double.IsInfinity(s.WeightDecay)) throw new ArgumentOutOfRangeException(nameof(s), s.WeightDecay, $"AdamUpdate: weight decay must be finite and ≥ 0, got {s.WeightDecay}.");
        if (s.Step < 1) throw new ArgumentOutOfRangeException(nameof(s), s.Step, $"AdamUpdate: step must be ≥ 1 (it is 1-based), got {s.Step}.");
    }

    /// <summary>
    /// Checks SGD's hyper-parameters as torch.optim.SGD does (lr, momentum and weight decay finite and ≥ 0, dampening
    /// finite, Nesterov only with momentum &gt; 0 and zero dampening), each error naming SgdUpdate and the value.
    /// </summary>
    public static void Sgd(SgdSettings s)
    {
        const string primitive = "SgdUpdate";
        if (!(s.LearningRate >= 0) || double.IsInfinity(s.LearningRate)) throw new ArgumentOutOfRangeException(nameof(s), s.LearningRate, $"{primitive}: learning rate must be finite and ≥ 0, got {s.LearningRate}.");
        if (!(s.Momentum >= 0) || double.IsInfinity(s.Momentum)) throw new ArgumentOutOfRangeException(nameof(s), s.Momentum, $"{primitive}: momentum must be finite and ≥ 0, got {s.Momentum}.");
        if (!double.IsFinite(s.Dampening)) throw new ArgumentOutOfRangeException(nameof(s), s.Dampening, $"{primitive}: dampening must be finite, got {s.Dampening}.");
        if (!(s.WeightDecay >= 0) || double.IsInfinity(s.WeightDecay)) throw new ArgumentOutOfRangeException(nameof(s), s.WeightDecay, $"{primitive}: weight decay must be finite and ≥ 0, got {s.WeightDecay}.");
        if (s.Nesterov && (s.Momentum <= 0 || s.Dampening != 0))
            throw new ArgumentException($"{primitive}: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum {s.Momentum} and dampening {s.Dampening}.", nameof(s));
    }

    /// <summary>
    /// Checks SGD's momentum buffer: required (alive, on <paramref name="backend"/>, ≥ <paramref name="length"/> elements)
    /// when <paramref name="momentum"/> ≠ 0; optional, and then checked the same way when given, without momentum.
    /// </summary>
    public static void MomentumBuffer<T>(IBackend backend, string primitive, DeviceBuffer<T>? momentumBuffer, int length, double momentum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (momentumBuffer is null)
        {
            if (momentum != 0)
                throw new ArgumentNullException(nameof(momentumBuffer), $"{primitive}: momentum {momentum} needs a momentum buffer of {length} elements, but operand 'momentumBuffer' is null (it may be null only when momentum is 0).");
            return;
        }
        Buffer(backend, primitive, nameof(momentumBuffer), momentumBuffer, length);
    }
}
