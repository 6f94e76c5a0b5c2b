using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Bench.Elementwise;

/// <summary>
/// One memory-bound primitive on one backend: a unary map, a map's backward pass, the fused bias + ReLU, the
/// BCE-with-logits value and gradient, the Adam update, or a Philox uniform / normal fill, over n floats.
/// <see cref="BytesMoved"/> is the minimum traffic (each operand read once, each result written once), so
/// bytes / time is the effective bandwidth.
/// </summary>
public sealed class ElementwiseCase : IDisposable
{
    /// <summary>The primitives the suites measure.</summary>
    public static readonly string[] Names = ["relu", "sigmoid", "tanh", "softplus", "exp", "relu-backward", "bias-relu", "bce", "adam", "uniform", "normal"];

    private readonly IBackend _backend;
    private readonly DeviceBuffer<float> _a, _b, _c, _d;
    private readonly Action _run;
    private int _step;

    /// <summary>Allocates operands of <paramref name="length"/> floats on <paramref name="backend"/> and picks the primitive.</summary>
    public ElementwiseCase(IBackend backend, string name, int length)
    {
        _backend = backend;
        Name = name;
        Length = length;
        _a = backend.Allocate<float>(length);
        _b = backend.Allocate<float>(length);
        _c = backend.Allocate<float>(length);
        _d = backend.Allocate<float>(length);
        backend.UniformFill(_a, 0, length, seed: 1, counterOffset: 0);
        backend.UniformFill(_b, 0, length, seed: 2, counterOffset: 0);
        backend.Fill(_c, 0, length, 0f);
        backend.Fill(_d, 0, length, 0f);
        int columns = 784, rows = Math.Max(1, length / columns);
        (_run, BytesMoved) = name switch
        {
            "relu" => (Unary<ReluOperator>(), 8L * length),
            "sigmoid" => (Unary<SigmoidOperator>(), 8L * length),
            "tanh" => (Unary<TanhOperator>(), 8L * length),
            "softplus" => (Unary<SoftplusOperator>(), 8L * length),
            "exp" => (Unary<ExpOperator>(), 8L * length),
            "relu-backward" => ((Action)(() => backend.MapBackward<float, ReluOperator>(_a, _a, _b, _c, length, accumulate: false)), 12L * length),
            "bias-relu" => ((Action)(() => backend.BiasActivation<float, ReluOperator>(_a, _b, _c, rows, columns)), 8L * rows * columns),
            "bce" => ((Action)(() => backend.BceWithLogits(_a, _b, rows, columns, _d, _c, 1f)), 12L * rows * columns),
            "adam" => ((Action)(() => backend.AdamUpdate(_c, _a, _b, _d, length, AdamSettings.Default(++_step))), 28L * length),
            "uniform" => ((Action)(() => backend.UniformFill(_c, 0, length, 3, (ulong)++_step << 24)), 4L * length),
            "normal" => ((Action)(() => backend.NormalFill(_c, 0, length, 3, (ulong)++_step << 24, 0f, 1f)), 4L * length),
            _ => throw new ArgumentException($"unknown primitive '{name}'; known: {string.Join(", ", Names)}"),
        };
    }

    private Action Unary<TOperator>() where TOperator : struct, IUnaryOperator
        => () => _backend.Map<float, TOperator>(_a, _c, Length);

    /// <summary>The primitive's name.</summary>
    public string Name { get; }

    /// <summary>n: floats per operand.</summary>
    public int Length { get; }

    /// <summary>Minimum bytes read and written by one run.</summary>
    public long BytesMoved { get; }

    /// <summary>Runs the primitive once and waits for it.</summary>
    public void Run()
    {
        _run();
        _backend.Synchronize();
    }

    /// <summary>Frees the operands.</summary>
    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
        _d.Dispose();
    }
}
