using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// One recorded operation: its inputs, its output and its backward rule. Each operation of the library is a
/// small subclass beside its forward function (see the Operations folder); users may write their own the same
/// way (forward with <see cref="ForwardContext{T}"/>, backward by overriding <see cref="Backward"/>).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public abstract class Operation<T> : ITapeEntry where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Var<T>[] _inputs;
    private List<Tensor<T>>? _saved;
    private Var<T>? _output;
    private int _pass;

    /// <summary>Creates the record of operation <paramref name="name"/> applied to <paramref name="inputs"/>.</summary>
    protected Operation(string name, params Var<T>[] inputs)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        Name = name;
        _inputs = inputs;
    }

    /// <summary>The operation's name, e.g. "matmul".</summary>
    public string Name { get; }

    /// <summary>The inputs, in the order the forward function took them.</summary>
    public IReadOnlyList<Var<T>> Inputs => _inputs;

    /// <summary>The value this operation produced.</summary>
    public Var<T> Output => _output ?? throw new InvalidOperationException($"{Name}: the operation has not been recorded yet.");

    /// <summary>The primitives of the device the operation runs on.</summary>
    protected IBackend Backend => Output.Device.Backend;

    /// <summary>The device the operation runs on.</summary>
    protected Device Device => Output.Device;

    /// <summary>Attaches the output when the tape records the operation.</summary>
    internal void Attach(Var<T> output) => _output = output;

    /// <summary>
    /// Keeps <paramref name="tensor"/> alive for the backward rule; the tape frees it on reset.
    /// Returns it for convenience.
    /// </summary>
    protected Tensor<T> Save(Tensor<T> tensor)
    {
        (_saved ??= []).Add(tensor);
        return tensor;
    }

    /// <summary>
    /// Where to write the gradient of <paramref name="input"/>, or null when that input needs none (then skip its
    /// computation). Ask right before writing: the first request of a pass overwrites, later ones add, so an input
    /// used twice by one operation (x · x) gets both contributions.
    /// </summary>
    protected GradientTarget<T>? GradientTarget(Var<T> input) => input.TargetFor(_pass);

    /// <summary>
    /// The backward rule: given <paramref name="outputGradient"/> = ∂L/∂output (same shape as the output), add
    /// ∂L/∂input into <see cref="GradientTarget"/> for each input that requires a gradient.
    /// </summary>
    protected abstract void Backward(Tensor<T> outputGradient);

    void ITapeEntry.RunBackward(int pass)
    {
        var outputGradient = Output.GradientOfPass(pass);
        if (outputGradient is null) return;
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (_inputs[i].IsDisposed)
                throw new ObjectDisposedException(_inputs[i].Describe(),
                    $"Backward of '{Name}' (output {Output.Shape}): its input {i}, the value {_inputs[i].Shape} produced by '{_inputs[i].Operation}', was freed before Backward ran.");
        }
        _pass = pass;
        Backward(outputGradient);
    }

    void ITapeEntry.Release()
    {
        if (_saved is null) return;
        foreach (var tensor in _saved) tensor.Dispose();
        _saved = null;
    }

    /// <inheritdoc />
    public override string ToString() => _output is null ? Name : $"{Name} → {Output.Shape}";
}
