using ScratchVae.Autograd.Layers;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Checking;

/// <summary>
/// Checks the backward rules of a function against central finite differences, in float64, as
/// torch.autograd.gradcheck does: for each input element xₑ, the numeric column of the Jacobian is
/// (f(x + ε eₑ) − f(x − ε eₑ)) / 2ε, and each row of the analytic Jacobian comes from one backward pass
/// seeded with a one-hot output gradient. An element passes when |analytic − numeric| ≤ atol + rtol · |numeric|.
/// <code>
/// var result = GradCheck.Check(v => Ops.Sum(Ops.Tanh(Ops.MatMul(v[0], v[1]))), [x, w]);
/// GradCheck.Assert(v => …, [x, w]);   // throws GradCheckException naming the worst element
/// </code>
/// The function is called with the inputs as <see cref="Parameter{T}"/>s (copies of the given tensors, which are
/// not modified) inside a tape or no-gradient scope that GradCheck opens; it must compute its output from them
/// with autograd operations, deterministically, and must not open or reset scopes itself.
/// </summary>
public static class GradCheck
{
    /// <summary>Runs the check and reports the worst comparison; never throws for a failed check.</summary>
    public static GradCheckResult Check(Func<IReadOnlyList<Var<double>>, Var<double>> function, IReadOnlyList<Tensor<double>> inputs, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= GradCheckOptions.Default;
        if (!(options.Epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Epsilon, "GradCheck: epsilon must be positive.");
        if (inputs.Count == 0) throw new ArgumentException("GradCheck: there must be at least one input.", nameof(inputs));
        for (int k = 0; k < inputs.Count; k++)
        {
            TensorChecks.Alive("GradCheck", $"input {k}", inputs[k]);
            if (!ReferenceEquals(inputs[k].Device, inputs[0].Device))
                throw new ArgumentException($"GradCheck: input {k} {inputs[k].Shape} lives on '{inputs[k].Device.Name}' but input 0 {inputs[0].Shape} on '{inputs[0].Device.Name}'.", nameof(inputs));
        }

        var parameters = new Parameter<double>[inputs.Count];
        try
        {
            for (int k = 0; k < inputs.Count; k++) parameters[k] = new Parameter<double>(inputs[k].Clone(), $"input {k}");
            var result = options.Mode == GradCheckMode.Full
                ? CheckFull(function, parameters, options)
                : CheckProjections(function, parameters, options);
            return result with { InputNames = parameters.Select(p => p.Name).ToArray() };
        }
        finally
        {
            foreach (var parameter in parameters) parameter?.Dispose();
        }
    }

    /// <summary>
    /// Checks the gradient of a whole module's loss with respect to every one of its parameters, in float64: the
    /// module's own parameters are perturbed in place (and restored exactly afterwards), so <paramref name="loss"/>
    /// simply runs the model, e.g. <c>() =&gt; Ops.Mean(Ops.Square(model.Forward(x) - y))</c>. The result names
    /// parameters as <see cref="Module{T}.NamedParameters"/> does. The parameters' gradients are zeroed afterwards.
    /// Choose <see cref="GradCheckMode.RandomProjection"/> for models with more than a few thousand weights.
    /// </summary>
    public static GradCheckResult CheckModule(Module<double> module, Func<Var<double>> loss, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(loss);
        options ??= GradCheckOptions.Default;
        if (!(options.Epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Epsilon, "GradCheck: epsilon must be positive.");
        var named = module.NamedParameters();
        if (named.Count == 0) throw new ArgumentException($"GradCheck: the module {module.GetType().Name} has no parameters to check.", nameof(module));
        var parameters = named.Select(p => p.Parameter).ToArray();
        var names = named.Select(p => p.Name).ToArray();
        try
        {
            var result = options.Mode == GradCheckMode.Full
                ? CheckFull(_ => loss(), parameters, options)
                : CheckProjections(_ => loss(), parameters, options);
            return result with { InputNames = names };
        }
        finally
        {
            foreach (var parameter in parameters) parameter.ZeroGradient();
        }
    }

    /// <summary><see cref="CheckModule"/>, throwing <see cref="GradCheckException"/> (naming the parameter and element) when it fails.</summary>
    public static GradCheckResult AssertModule(Module<double> module, Func<Var<double>> loss, GradCheckOptions? options = null)
    {
        var result = CheckModule(module, loss, options);
        if (!result.Passed) throw new GradCheckException(result);
        return result;
    }

    /// <summary>Runs the check and throws <see cref="GradCheckException"/> (naming the worst element) when it fails; returns the result otherwise.</summary>
    public static GradCheckResult Assert(Func<IReadOnlyList<Var<double>>, Var<double>> function, IReadOnlyList<Tensor<double>> inputs, GradCheckOptions? options = null)
    {
        var result = Check(function, inputs, options);
        if (!result.Passed) throw new GradCheckException(result);
        return result;
    }

    private static GradCheckResult CheckFull(Func<IReadOnlyList<Var<double>>, Var<double>> function, Parameter<double>[] parameters, GradCheckOptions options)
    {
        int inputCount = parameters.Length;
        Shape outputShape;
        int outputLength;
        var analytic = new double[inputCount][]; // analytic[k][o · nₖ + e] = ∂yₒ/∂xₖ[e]

        // Analytic Jacobian, one row per output element: backward with seed eₒ gives row o.
        using (var tape = new Tape())
        {
            var output = Evaluate(function, parameters);
            outputShape = output.Shape;
            outputLength = output.Length;
            for (int k = 0; k < inputCount; k++) analytic[k] = new double[outputLength * parameters[k].Length];
            if (output.RequiresGrad)
            {
                using var seed = Tensor<double>.Zeros(outputShape, output.Device);
                var row = new double[parameters.Max(p => p.Length)];
                for (int o = 0; o < outputLength; o++)
                {
                    if (o > 0) seed.Backend.Upload<double>([0.0], seed.Buffer, o - 1);
                    seed.Backend.Upload<double>([1.0], seed.Buffer, o);
                    foreach (var parameter in parameters) parameter.ZeroGradient();
                    output.Backward(seed);
                    for (int k = 0; k < inputCount; k++)
                    {
                        // An input the output does not depend on has no gradient: its row stays zero.
                        if (parameters[k].Gradient is not { } gradient) continue;
                        var span = row.AsSpan(0, parameters[k].Length);
                        gradient.CopyTo(span);
                        span.CopyTo(analytic[k].AsSpan(o * parameters[k].Length));
                    }
                }
            }
        }

        // Numeric Jacobian, one column per input element: (f(x + ε eₑ) − f(x − ε eₑ)) / 2ε.
        var comparison = new Comparison(options);
        for (int k = 0; k < inputCount; k++)
        {
            var parameter = parameters[k];
            var values = parameter.Value.ToArray();
            int n = values.Length;
            for (int e = 0; e < n; e++)
            {
                double original = values[e];
                Set(parameter, e, original + options.Epsilon);
                var plus = EvaluateWithoutGradient(function, parameters, outputShape);
                Set(parameter, e, original - options.Epsilon);
                var minus = EvaluateWithoutGradient(function, parameters, outputShape);
                Set(parameter, e, original);
                for (int o = 0; o < outputLength; o++)
                {
                    double numeric = (plus[o] - minus[o]) / (2 * options.Epsilon);
                    comparison.Add(analytic[k][o * n + e], numeric, k, e, o);
                }
            }
        }
        return comparison.Result(GradCheckMode.Full, parameters, outputShape);
    }

    private static GradCheckResult CheckProjections(Func<IReadOnlyList<Var<double>>, Var<double>> function, Parameter<double>[] parameters, GradCheckOptions options)
    {
        if (options.Projections < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Projections, "GradCheck: at least one projection is needed.");
        var random = new Random(options.Seed);
        int inputCount = parameters.Length;
        var originals = parameters.Select(p => p.Value.ToArray()).ToArray();
        var directions = new double[options.Projections][][]; // v, per projection and input
        var projections = new double[options.Projections][];  // u, per projection
        var analytic = new double[options.Projections];
        Shape outputShape;

        // Analytic uᵀ J v = Σₖ ⟨∂(uᵀ y)/∂xₖ, vₖ⟩, with ∂(uᵀ y)/∂xₖ from one backward pass seeded with u.
        using (var tape = new Tape())
        {
            var output = Evaluate(function, parameters);
            outputShape = output.Shape;
            using var seed = Tensor<double>.Empty(outputShape, output.Device);
            for (int p = 0; p < options.Projections; p++)
            {
                projections[p] = Normals(random, output.Length);
                directions[p] = parameters.Select(parameter => Normals(random, parameter.Length)).ToArray();
                if (!output.RequiresGrad) continue;
                seed.Backend.Upload<double>(projections[p], seed.Buffer);
                foreach (var parameter in parameters) parameter.ZeroGradient();
                output.Backward(seed);
                double sum = 0;
                for (int k = 0; k < inputCount; k++)
                {
                    if (parameters[k].Gradient is not { } gradient) continue;
                    var values = gradient.ToArray();
                    for (int e = 0; e < values.Length; e++) sum += values[e] * directions[p][k][e];
                }
                analytic[p] = sum;
            }
        }

        // Numeric: (⟨u, f(x + εv)⟩ − ⟨u, f(x − εv)⟩) / 2ε.
        var comparison = new Comparison(options);
        var shifted = new double[parameters.Max(p => p.Length)];
        for (int p = 0; p < options.Projections; p++)
        {
            double[] outputs = new double[2];
            for (int side = 0; side < 2; side++)
            {
                double step = side == 0 ? options.Epsilon : -options.Epsilon;
                for (int k = 0; k < inputCount; k++)
                {
                    var span = shifted.AsSpan(0, parameters[k].Length);
                    for (int e = 0; e < span.Length; e++) span[e] = originals[k][e] + step * directions[p][k][e];
                    parameters[k].Value.Backend.Upload<double>(span, parameters[k].Value.Buffer);
                }
                var y = EvaluateWithoutGradient(function, parameters, outputShape);
                double dot = 0;
                for (int o = 0; o < y.Length; o++) dot += projections[p][o] * y[o];
                outputs[side] = dot;
            }
            for (int k = 0; k < inputCount; k++) parameters[k].Value.Backend.Upload<double>(originals[k], parameters[k].Value.Buffer);
            comparison.Add(analytic[p], (outputs[0] - outputs[1]) / (2 * options.Epsilon), -1, p, -1);
        }
        return comparison.Result(GradCheckMode.RandomProjection, parameters, outputShape);
    }

    private static Var<double> Evaluate(Func<IReadOnlyList<Var<double>>, Var<double>> function, Parameter<double>[] parameters)
    {
        var output = function(parameters) ?? throw new InvalidOperationException("GradCheck: the function returned null.");
        output.ThrowIfDisposed();
        return output;
    }

    private static double[] EvaluateWithoutGradient(Func<IReadOnlyList<Var<double>>, Var<double>> function, Parameter<double>[] parameters, Shape outputShape)
    {
        using var scope = Tape.NoGrad();
        var output = Evaluate(function, parameters);
        if (output.Shape != outputShape)
            throw new InvalidOperationException($"GradCheck: the function returned shape {output.Shape} for perturbed inputs but {outputShape} before.");
        return output.Value.ToArray();
    }

    private static void Set(Parameter<double> parameter, int element, double value)
        => parameter.Value.Backend.Upload<double>([value], parameter.Value.Buffer, element);

    /// <summary>Standard normal numbers (Box–Muller) for projection directions.</summary>
    private static double[] Normals(Random random, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(); // (0, 1], so the log is finite
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            values[i] = radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count) values[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
        }
        return values;
    }

    /// <summary>Tracks the worst comparison by ratio |a − n| / (atol + rtol · |n|).</summary>
    private sealed class Comparison(GradCheckOptions options)
    {
        private int _count;
        private bool _allFinite = true;
        private double _worstRatio = -1, _maxError, _largestNumeric;
        private double _analytic, _numeric, _error;
        private int _input = -1, _element = -1, _output = -1;

        public void Add(double analytic, double numeric, int input, int element, int output)
        {
            _count++;
            double error = Math.Abs(analytic - numeric);
            double ratio = error / (options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numeric));
            if (!double.IsFinite(analytic) || !double.IsFinite(numeric))
            {
                _allFinite = false;
                ratio = double.PositiveInfinity;
            }
            if (double.IsFinite(error)) _maxError = Math.Max(_maxError, error);
            if (double.IsFinite(numeric)) _largestNumeric = Math.Max(_largestNumeric, Math.Abs(numeric));
            if (ratio > _worstRatio)
            {
                (_worstRatio, _analytic, _numeric, _error) = (ratio, analytic, numeric, error);
                (_input, _element, _output) = (input, element, output);
            }
        }

        public GradCheckResult Result(GradCheckMode mode, Parameter<double>[] parameters, Shape outputShape) => new()
        {
            Passed = _allFinite && _worstRatio <= 1,
            Mode = mode,
            Comparisons = _count,
            WorstInput = _input,
            WorstElement = _element,
            WorstOutputElement = _output,
            Analytic = _analytic,
            Numeric = _numeric,
            WorstError = _error,
            WorstErrorRatio = Math.Max(_worstRatio, 0),
            MaxAbsoluteError = _maxError,
            LargestNumeric = _largestNumeric,
            InputShapes = parameters.Select(p => p.Shape).ToArray(),
            OutputShape = outputShape,
            Options = options,
        };
    }
}
