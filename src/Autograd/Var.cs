using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd;

/// <summary>
/// A differentiable value: a tensor, and — when it was computed on a recording <see cref="Tape"/> from something
/// that requires gradients — the operation that produced it, so that <see cref="Backward()"/> can send
/// gradients back to the <see cref="Parameter{T}"/>s it depends on.
/// <para>
/// Ownership: a value computed by an operation belongs to the innermost active scope (a <see cref="Tape"/> or a
/// <see cref="Tape.NoGrad"/> scope) and is freed, with its gradient, when that scope is reset or disposed.
/// <see cref="Constant"/> wraps a tensor without taking it from the caller. <see cref="Parameter{T}"/>s belong to
/// whoever created them and survive every reset.
/// </para>
/// </summary>
/// <typeparam name="T">float (training) or double (gradient checks).</typeparam>
public class Var<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private Tensor<T>? _value;
    private Tensor<T>? _gradient;
    private int _gradientPass;
    // A leaf's gradient was zeroed without touching its buffer: the next contribution overwrites it (beta = 0)
    // instead of adding to zeros, which saves a pass over the buffer and the GEMM's read of C.
    private bool _gradientCleared;

    /// <summary>Creates a value that takes ownership of <paramref name="value"/>.</summary>
    private protected Var(Tensor<T> value, string operation, bool requiresGrad, Tape? owner)
    {
        ArgumentNullException.ThrowIfNull(value);
        value.ThrowIfDisposed();
        _value = value;
        Shape = value.Shape;
        Device = value.Device;
        Operation = operation;
        RequiresGrad = requiresGrad;
        Owner = owner;
    }

    /// <summary>
    /// Wraps <paramref name="value"/> as a constant (no gradient). By default the variable holds its own reference
    /// to the buffer, so disposing either the tensor or the variable leaves the other usable; with
    /// <paramref name="takeOwnership"/> the variable owns the tensor (for a tensor made just for this purpose).
    /// Inside an active scope the constant is freed with the scope; otherwise the caller disposes it.
    /// </summary>
    public static Var<T> Constant(Tensor<T> value, bool takeOwnership = false)
    {
        TensorChecks.Alive("constant", nameof(value), value);
        var owner = Tape.Current;
        var constant = new Var<T>(takeOwnership ? value : value.Reshape(value.Shape), "constant", requiresGrad: false, owner);
        owner?.Own(constant);
        return constant;
    }

    /// <summary>Creates the output of an operation, owned by <paramref name="owner"/>.</summary>
    internal static Var<T> Computed(Tensor<T> value, string operation, bool requiresGrad, Tape owner) => new(value, operation, requiresGrad, owner) { IsComputed = true };

    /// <summary>
    /// True for the output of an operation (recorded or not), whose contents a replay would have to recompute; false
    /// for parameters and constants, and for unrecorded views of them (a reshaped constant), which always show their
    /// buffer's current contents.
    /// </summary>
    internal bool IsComputed { get; set; }

    /// <summary>The dimensions (known even after disposal, for messages).</summary>
    public Shape Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Length;

    /// <summary>The device that holds the value.</summary>
    public Device Device { get; private set; }

    /// <summary>The name of the operation that produced this value: "matmul", "constant", "parameter", ….</summary>
    public string Operation { get; }

    /// <summary>True when gradients flow to or through this value.</summary>
    public bool RequiresGrad { get; }

    /// <summary>The scope that owns this value (null for parameters and for constants made outside any scope).</summary>
    public Tape? Owner { get; }

    /// <summary>The recorded operation that produced this value (null for leaves and for values computed without recording).</summary>
    internal Operation<T>? Creator { get; set; }

    /// <summary>True once the value was freed (by <see cref="Dispose"/> or by its scope).</summary>
    public bool IsDisposed => _value is null;

    /// <summary>The tensor. Throws <see cref="ObjectDisposedException"/> naming the operation and the shape once freed.</summary>
    public Tensor<T> Value
    {
        get
        {
            ThrowIfDisposed();
            return _value!;
        }
    }

    /// <summary>
    /// The gradient of the last <see cref="Backward()"/> with respect to this value, or null when none reached it.
    /// For parameters it is the sum over every backward pass since the last <see cref="Parameter{T}.ZeroGradient"/>;
    /// for intermediate values it is that of the latest backward pass of their tape only.
    /// </summary>
    public virtual Tensor<T>? Gradient
    {
        get
        {
            ThrowIfDisposed();
            if (_gradient is null || IsLeaf) return _gradient;
            return Owner is not null && _gradientPass == Owner.LastPass ? _gradient : null;
        }
    }

    /// <summary>True for values not produced by a recorded operation (parameters, constants).</summary>
    public bool IsLeaf => Creator is null;

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming the operation and the shape when the value was freed.</summary>
    public void ThrowIfDisposed()
    {
        if (_value is null)
            throw new ObjectDisposedException(Describe(), $"The {Tensor<T>.DType} value {Shape} produced by '{Operation}' was used after it was freed (its tape was reset or disposed, or it was disposed directly).");
    }

    /// <summary>"matmul [4, 5] float64" — for messages.</summary>
    public string Describe() => $"'{Operation}' {Shape} {Tensor<T>.DType}";

    /// <summary>
    /// Back-propagates from this single-element value (a loss): seeds its gradient with 1 and walks its tape in
    /// reverse, adding into the gradient of every value that requires one.
    /// </summary>
    public void Backward()
    {
        ThrowIfDisposed();
        if (Length != 1)
            throw new InvalidOperationException(
                $"Backward: the value produced by '{Operation}' has shape {Shape} ({Length} elements), not a scalar; pass a seed gradient of shape {Shape} to Backward(seed), or reduce it first (Ops.Sum, Ops.Mean).");
        // ∂L/∂L = 1, without a seed tensor to allocate.
        BackwardFrom(seed: null);
    }

    /// <summary>
    /// Back-propagates with <paramref name="seed"/> = ∂L/∂(this value) for a non-scalar output: every value that
    /// requires gradients receives Σ seed · ∂(this)/∂(value), i.e. a vector–Jacobian product.
    /// </summary>
    public void Backward(Tensor<T> seed)
    {
        ThrowIfDisposed();
        TensorChecks.Alive("Backward", nameof(seed), seed);
        if (seed.Shape != Shape)
            throw new ArgumentException($"Backward: the seed gradient has shape {seed.Shape} but the value produced by '{Operation}' has shape {Shape}.", nameof(seed));
        if (!ReferenceEquals(seed.Device, Device))
            throw new ArgumentException($"Backward: the seed gradient lives on '{seed.Device.Name}' but the value produced by '{Operation}' {Shape} lives on '{Device.Name}'.", nameof(seed));
        BackwardFrom(seed.Buffer);
    }

    // Both Backward overloads: seed null stands for a scalar seed of 1.
    private void BackwardFrom(DeviceBuffer<T>? seed)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException(
                $"Backward: the value produced by '{Operation}' {Shape} does not require gradients: it was computed from constants only, or under Tape.NoGrad(), or without a recording tape.");
        if (Creator is not null)
        {
            Owner!.Backward(this, seed);
            return;
        }
        // A leaf: its own gradient is the seed.
        if (TargetFor(0) is not { } target) return;
        if (seed is not null)
        {
            Device.Backend.Axpby(T.One, seed, target.Beta, target.Buffer, Length);
            return;
        }
        var one = Device.Constant(T.One);
        Device.Backend.Axpby(T.One, one, target.Beta, target.Buffer, 1);
    }

    /// <summary>
    /// Where the gradient of this value is written during backward pass <paramref name="pass"/>, or null when this
    /// value requires no gradient. The rule is that backward <b>adds</b>: ∂L/∂x is the sum of what every consumer
    /// of x contributes. The sum starts from zero, and instead of zero-filling the buffer first, the first
    /// contribution overwrites it (<see cref="FirstContribution"/>); the target says which, as GEMM's β.
    /// </summary>
    internal GradientTarget<T>? TargetFor(int pass)
    {
        if (!RequiresGrad) return null;
        ThrowIfDisposed();
        bool first = FirstContribution(pass);
        return new GradientTarget<T>(_gradient!.Buffer, accumulate: !first);
    }

    /// <summary>
    /// The first-contribution optimisation: true when the contribution about to be written is the first term of this
    /// gradient's sum in pass <paramref name="pass"/>, so that writing it over the buffer equals adding it to zeros
    /// and saves a zero-filling pass over memory. It is the first when the buffer was just allocated (it is allocated
    /// here, on first use), when an intermediate value's buffer was last written by an earlier pass, or when a
    /// parameter's gradient was cleared (<see cref="ClearGradient"/>) since; otherwise a parameter keeps adding
    /// across passes, as PyTorch's .grad does. The call marks the pass, so every later contribution in it adds.
    /// </summary>
    private bool FirstContribution(int pass)
    {
        if (_gradient is null)
        {
            _gradient = Tensor<T>.Empty(Shape, Device);
            _gradientPass = pass;
            return true;
        }
        bool first = IsLeaf ? _gradientCleared : _gradientPass != pass;
        _gradientCleared = false;
        _gradientPass = pass;
        return first;
    }

    /// <summary>The gradient buffer written during <paramref name="pass"/>, or null when this pass has not reached this value.</summary>
    internal Tensor<T>? GradientOfPass(int pass) => _gradient is not null && _gradientPass == pass ? _gradient : null;

    /// <summary>
    /// The gradient tensor as allocated, whatever pass wrote it (for parameters). A gradient cleared by
    /// <see cref="ClearGradient"/> is zero-filled here first, so a reader always sees zeros.
    /// </summary>
    private protected Tensor<T>? GradientStorage
    {
        get
        {
            if (_gradientCleared)
            {
                _gradient!.Backend.Fill(_gradient.Buffer, 0, _gradient.Length, T.Zero);
                _gradientCleared = false;
            }
            return _gradient;
        }
    }

    /// <summary>True when a gradient buffer exists (without filling a cleared one).</summary>
    private protected bool HasGradientStorage => _gradient is not null;

    /// <summary>
    /// Sets a leaf's gradient to zero lazily: the next backward contribution overwrites the buffer instead of adding
    /// to it, and a read before that fills it with zeros. Either way nobody can observe anything but zeros.
    /// </summary>
    private protected void ClearGradient()
    {
        if (_gradient is not null) _gradientCleared = true;
    }

    /// <summary>
    /// Puts <paramref name="value"/> (same shape, possibly on another device) in place of the value, which is freed with
    /// the gradient (for moving a parameter between devices).
    /// </summary>
    private protected void ReplaceValue(Tensor<T> value)
    {
        ThrowIfDisposed();
        if (value.Shape != Shape) throw new ArgumentException($"The replacement {value.Shape} of the value '{Operation}' {Shape} has another shape.", nameof(value));
        _value!.Dispose();
        _value = value;
        Device = value.Device;
        _gradient?.Dispose();
        _gradient = null;
        _gradientCleared = false;
    }

    /// <summary>Frees the value and its gradient (the scope that owns it does this on reset).</summary>
    public void Dispose()
    {
        if (_value is null) return;
        _value.Dispose();
        _value = null;
        _gradient?.Dispose();
        _gradient = null;
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => IsDisposed ? $"Var {Describe()} (freed)" : $"Var {Describe()} on {Device.Name}{(RequiresGrad ? ", requires grad" : "")}";

    // ---- operators: shorthands for Ops ------------------------------------------------------------

    /// <summary>a + b, with broadcasting (see <see cref="Ops.Add{T}"/>).</summary>
    public static Var<T> operator +(Var<T> a, Var<T> b) => Ops.Add(a, b);

    /// <summary>a − b, with broadcasting.</summary>
    public static Var<T> operator -(Var<T> a, Var<T> b) => Ops.Subtract(a, b);

    /// <summary>a ⊙ b (elementwise), with broadcasting.</summary>
    public static Var<T> operator *(Var<T> a, Var<T> b) => Ops.Multiply(a, b);

    /// <summary>a / b (elementwise), with broadcasting.</summary>
    public static Var<T> operator /(Var<T> a, Var<T> b) => Ops.Divide(a, b);

    /// <summary>−a.</summary>
    public static Var<T> operator -(Var<T> a) => Ops.Negate(a);

    /// <summary>a + c.</summary>
    public static Var<T> operator +(Var<T> a, double c) => Ops.Affine(a, 1.0, c);

    /// <summary>c + a.</summary>
    public static Var<T> operator +(double c, Var<T> a) => Ops.Affine(a, 1.0, c);

    /// <summary>a − c.</summary>
    public static Var<T> operator -(Var<T> a, double c) => Ops.Affine(a, 1.0, -c);

    /// <summary>c − a.</summary>
    public static Var<T> operator -(double c, Var<T> a) => Ops.Affine(a, -1.0, c);

    /// <summary>c · a.</summary>
    public static Var<T> operator *(Var<T> a, double c) => Ops.Affine(a, c, 0.0);

    /// <summary>c · a.</summary>
    public static Var<T> operator *(double c, Var<T> a) => Ops.Affine(a, c, 0.0);

    /// <summary>a / c.</summary>
    public static Var<T> operator /(Var<T> a, double c) => Ops.Affine(a, 1.0 / c, 0.0);
}
