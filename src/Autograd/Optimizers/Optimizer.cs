using System.Globalization;
using System.Numerics;
using ScratchVae.Autograd.Layers;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Optimizers;

/// <summary>
/// What every optimizer shares, as <c>torch.optim.Optimizer</c>: the parameters it updates (with their names), the
/// learning rate, the step count t, per-parameter state tensors (Adam's moments, SGD's momentum buffer) and a state
/// dict of them. A subclass only says how one parameter buffer is updated, in one fused pass
/// (<see cref="Update"/>). A step allocates no managed memory and no device buffers.
/// <code>
/// using var optimizer = new Adam&lt;float&gt;(model.NamedParameters(), learningRate: 1e-3);
/// loss.Backward();
/// optimizer.ClipGradientNorm(1.0);      // optional
/// optimizer.Step();
/// optimizer.ZeroGradients();
/// </code>
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public abstract class Optimizer<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NamedParameter<T>[] _parameters;
    private readonly string[] _stateNames;
    private readonly Tensor<T>[][] _state; // _state[s][i]: state tensor s of parameter i, shaped as the parameter
    private double _learningRate;
    private bool _disposed;

    /// <summary>
    /// Creates the optimizer over <paramref name="parameters"/> with zeroed state tensors named
    /// <paramref name="stateNames"/> (PyTorch's names, e.g. "exp_avg"), one of each per parameter.
    /// </summary>
    protected Optimizer(IEnumerable<NamedParameter<T>> parameters, double learningRate, params string[] stateNames)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(stateNames);
        _parameters = parameters.ToArray();
        if (_parameters.Length == 0) throw new ArgumentException($"{GetType().Name}: there are no parameters to optimise.", nameof(parameters));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in _parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter);
            if (!names.Add(name)) throw new ArgumentException($"{GetType().Name}: two parameters are named '{name}'.", nameof(parameters));
            parameter.ThrowIfDisposed();
        }
        LearningRate = learningRate;
        InitialLearningRate = learningRate;
        _stateNames = stateNames;
        _state = stateNames.Select(_ => _parameters.Select(p => Tensor<T>.Zeros(p.Parameter.Shape, p.Parameter.Device)).ToArray()).ToArray();
    }

    /// <summary>The name written in a state dict's metadata, e.g. "adam".</summary>
    public abstract string Kind { get; }

    /// <summary>The parameters with their names, in order.</summary>
    public IReadOnlyList<NamedParameter<T>> Parameters => _parameters;

    /// <summary>lr, used by the next <see cref="Step"/>; a <see cref="Schedule"/> sets it before each step.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{GetType().Name}: the learning rate must be finite and ≥ 0.");
            _learningRate = value;
        }
    }

    /// <summary>The learning rate given at construction, which a <see cref="Schedule"/> scales.</summary>
    public double InitialLearningRate { get; }

    /// <summary>
    /// When set, every <see cref="Step"/> first sets <see cref="LearningRate"/> = Schedule.At(t, <see cref="InitialLearningRate"/>)
    /// with t the steps taken before it (0 for the first), i.e. a PyTorch scheduler stepped after every optimizer step.
    /// </summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>t: the number of steps taken.</summary>
    public int StepCount { get; private set; }

    /// <summary>State tensor <paramref name="name"/> (e.g. "exp_avg") of parameter <paramref name="index"/>.</summary>
    public Tensor<T> State(string name, int index)
    {
        int s = Array.IndexOf(_stateNames, name);
        if (s < 0) throw new ArgumentException($"{GetType().Name} keeps no state '{name}' (it keeps: {string.Join(", ", _stateNames)}).", nameof(name));
        return _state[s][index];
    }

    /// <summary>Updates every parameter from its accumulated gradient (zeros for one that no backward pass reached).</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Schedule is not null) LearningRate = Schedule.At(StepCount, InitialLearningRate);
        StepCount++;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i].Parameter;
            Update(i, parameter, parameter.GradientOrZeros());
        }
    }

    /// <summary>One fused pass over parameter <paramref name="index"/>, at step t = <see cref="StepCount"/> (already incremented).</summary>
    protected abstract void Update(int index, Parameter<T> parameter, Tensor<T> gradient);

    /// <summary>The state tensor <paramref name="stateIndex"/> (in the order given to the constructor) of parameter <paramref name="index"/>, for <see cref="Update"/>.</summary>
    protected Tensor<T> StateOf(int stateIndex, int index) => _state[stateIndex][index];

    /// <summary>Zeroes every parameter's gradient (PyTorch's <c>optimizer.zero_grad()</c>).</summary>
    public void ZeroGradients()
    {
        for (int i = 0; i < _parameters.Length; i++) _parameters[i].Parameter.ZeroGradient();
    }

    /// <summary>
    /// Scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the norm of all gradients together, and
    /// returns ‖g‖ (as <c>torch.nn.utils.clip_grad_norm_</c>); see <see cref="GradientClipping"/>.
    /// </summary>
    public double ClipGradientNorm(double maxNorm) => GradientClipping.ClipByGlobalNorm(_parameters, maxNorm);

    /// <summary>
    /// The state as tensors named "PARAMETER.STATE" (e.g. "encoder.mu.weight.exp_avg"), parameter by parameter, with
    /// metadata "optimizer" (<see cref="Kind"/>), "step" and "lr".
    /// </summary>
    public StateDict StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = new StateDict();
        for (int i = 0; i < _parameters.Length; i++)
            for (int s = 0; s < _stateNames.Length; s++)
                state.Add(NamedTensor.From($"{_parameters[i].Name}.{_stateNames[s]}", _state[s][i]));
        state.Metadata["optimizer"] = Kind;
        state.Metadata["step"] = StepCount.ToString(CultureInfo.InvariantCulture);
        state.Metadata["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture);
        return state;
    }

    /// <summary>
    /// Restores a state written by <see cref="StateDict"/>: the step, and every state tensor. Everything is checked
    /// first (the optimizer kind when recorded, the step, each name and shape, no unexpected tensor); a mismatch throws
    /// <see cref="StateDictException"/> naming the key and both shapes, and nothing is changed.
    /// </summary>
    public void LoadStateDict(StateDict state)
    {
        int step = CheckStateDict(state);
        for (int i = 0; i < _parameters.Length; i++)
            for (int s = 0; s < _stateNames.Length; s++)
                _state[s][i].Backend.Upload<T>(state[$"{_parameters[i].Name}.{_stateNames[s]}"].ValuesAs<T>(), _state[s][i].Buffer);
        StepCount = step;
    }

    /// <summary>The checks of <see cref="LoadStateDict"/> without loading anything; returns the step the state records.</summary>
    public int CheckStateDict(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        string source = state.Source ?? "optimizer state dict";
        if (state.Metadata.TryGetValue("optimizer", out var kind) && kind != Kind)
            throw new StateDictException("optimizer", $"{source}: it holds the state of {kind}, not of {Kind}");
        if (!state.Metadata.TryGetValue("step", out var stepText) || !int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            throw new StateDictException("step", $"{source}: the metadata has no step count (a whole number ≥ 0), found '{stepText ?? "nothing"}'");
        int expected = _parameters.Length * _stateNames.Length;
        for (int i = 0; i < _parameters.Length; i++)
            for (int s = 0; s < _stateNames.Length; s++)
            {
                string name = $"{_parameters[i].Name}.{_stateNames[s]}";
                string needed = $"[{string.Join(", ", _parameters[i].Parameter.Shape.ToArray())}]";
                if (!state.TryGet(name, out var tensor))
                    throw new StateDictException(name, $"{source}: tensor '{name}' is missing; {Kind} needs it with shape {needed}");
                if (!tensor.Shape.SequenceEqual(_parameters[i].Parameter.Shape.ToArray()))
                    throw new StateDictException(name, $"{source}: tensor '{name}' has shape {tensor.ShapeText} but {Kind} needs {needed}");
            }
        if (state.Count != expected)
        {
            var wanted = _parameters.SelectMany(p => _stateNames.Select(s => $"{p.Name}.{s}")).ToHashSet(StringComparer.Ordinal);
            var extra = state.First(t => !wanted.Contains(t.Name));
            throw new StateDictException(extra.Name, $"{source}: tensor '{extra.Name}' {extra.ShapeText} is unexpected: {Kind} over these parameters keeps no such state");
        }
        return step;
    }

    /// <summary>Frees the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var tensors in _state)
            foreach (var tensor in tensors) tensor.Dispose();
        GC.SuppressFinalize(this);
    }
}
