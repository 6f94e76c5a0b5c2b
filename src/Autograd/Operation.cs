using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// One recorded operation: its inputs, its output, its forward computation and its backward rule. Each operation
/// of the library is a small subclass beside its forward function (see the Operations folder): the function checks
/// the inputs, creates the operation and runs it with <see cref="ForwardContext{T}.Run"/>, which calls
/// <see cref="Forward"/>. Users may write their own the same way; <see cref="Backward"/> is required, and
/// <see cref="Forward"/> is what lets <see cref="Tape.Replay"/> recompute the operation.
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
    protected IBackend Backend => Device.Backend;

    /// <summary>The device the operation runs on (that of its inputs, which <see cref="ForwardContext{T}"/> checked are on one device).</summary>
    protected Device Device => _output?.Device ?? (_inputs.Length > 0 ? _inputs[0].Device : throw new InvalidOperationException($"{Name}: an operation without inputs has no device before it is recorded."));

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
    /// The forward computation: writes the operation's value, computed from the inputs' current values, into
    /// <paramref name="output"/> (a tensor of the output's shape, on <see cref="Device"/>), and refreshes whatever the
    /// operation saved for its backward rule. The eager pass (<see cref="ForwardContext{T}.Run"/>) and every
    /// <see cref="Tape.Replay"/> run this same code, so a replay gives the bits a fresh forward pass would.
    /// </summary>
    protected abstract void Forward(Tensor<T> output);

    /// <summary>Runs <see cref="Forward"/> for the eager pass.</summary>
    internal void RunForward(Tensor<T> output) => Forward(output);

    /// <summary>
    /// The backward rule: given <paramref name="outputGradient"/> = ∂L/∂output (same shape as the output), add
    /// ∂L/∂input into <see cref="GradientTarget"/> for each input that requires a gradient.
    /// </summary>
    protected abstract void Backward(Tensor<T> outputGradient);

    void ITapeEntry.RunBackward(int pass)
    {
        var outputGradient = Output.GradientOfPass(pass);
        if (outputGradient is null) return;
        ThrowIfAnInputWasFreed("Backward", " before Backward ran");
        _pass = pass;
        Backward(outputGradient);
    }

    void ITapeEntry.CheckReplayable(int position)
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            var input = _inputs[i];
            if (input.IsComputed && input.Creator is null)
                throw new InvalidOperationException(
                    $"Replay: input {i} of operation {position} on the tape, '{Name}' (output {Output.Shape}), is the value {input.Shape} of '{input.Operation}', which was computed without being recorded (from constants only, or in a no-gradient scope), so a replay could not recompute it and would reuse its old value. Compute it from a parameter on this tape, or pass it in as a constant.");
        }
    }

    void ITapeEntry.Replay()
    {
        var output = Output;
        output.ThrowIfDisposed();
        ThrowIfAnInputWasFreed("Replay", "");
        Forward(output.Value);
    }

    // Backward and Replay read every input: a freed one is named, with the operation and the phase.
    private void ThrowIfAnInputWasFreed(string phase, string when)
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (_inputs[i].IsDisposed)
                throw new ObjectDisposedException(_inputs[i].Describe(),
                    $"{phase} of '{Name}' (output {Output.Shape}): its input {i}, the value {_inputs[i].Shape} produced by '{_inputs[i].Operation}', was freed{when}.");
        }
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
