using System.Globalization;
using ScratchVae.Tensors;

namespace ScratchVae.Autograd.Checking;

/// <summary>
/// The outcome of a gradient check, with the worst comparison: the one with the largest
/// |analytic − numeric| / (atol + rtol · |numeric|) (a ratio above 1 fails).
/// </summary>
public sealed record GradCheckResult
{
    /// <summary>True when every comparison was within tolerance (and finite).</summary>
    public required bool Passed { get; init; }

    /// <summary>The mode used.</summary>
    public required GradCheckMode Mode { get; init; }

    /// <summary>How many values were compared (Jacobian elements, or projections).</summary>
    public required int Comparisons { get; init; }

    /// <summary>The input of the worst comparison (−1 in projection mode, where all inputs move together).</summary>
    public required int WorstInput { get; init; }

    /// <summary>The flat (row-major) index in that input of the worst comparison; in projection mode, the projection's number.</summary>
    public required int WorstElement { get; init; }

    /// <summary>The flat index of the output element of the worst comparison (−1 in projection mode).</summary>
    public required int WorstOutputElement { get; init; }

    /// <summary>The analytic value (from backward) of the worst comparison.</summary>
    public required double Analytic { get; init; }

    /// <summary>The finite-difference value of the worst comparison.</summary>
    public required double Numeric { get; init; }

    /// <summary>|analytic − numeric| of the worst comparison.</summary>
    public required double WorstError { get; init; }

    /// <summary>WorstError / (atol + rtol · |numeric|); the check passes when this is ≤ 1.</summary>
    public required double WorstErrorRatio { get; init; }

    /// <summary>The largest |analytic − numeric| over all comparisons (it may belong to another element than the worst ratio).</summary>
    public required double MaxAbsoluteError { get; init; }

    /// <summary>The largest |numeric| derivative seen; zero means the output does not depend on the inputs and the check proved nothing.</summary>
    public required double LargestNumeric { get; init; }

    /// <summary>The shapes of the inputs, for locating elements.</summary>
    public required IReadOnlyList<Shape> InputShapes { get; init; }

    /// <summary>The names of the inputs ("input 0", … for <see cref="GradCheck.Check"/>; the parameter names, such as "encoder.mu.weight", for <see cref="GradCheck.CheckModule"/>).</summary>
    public IReadOnlyList<string> InputNames { get; init; } = [];

    /// <summary>The name of input <paramref name="index"/>, or "input N" when none was recorded.</summary>
    public string InputName(int index) => index >= 0 && index < InputNames.Count ? InputNames[index] : $"input {index}";

    /// <summary>The shape of the function's output.</summary>
    public required Shape OutputShape { get; init; }

    /// <summary>The options used.</summary>
    public required GradCheckOptions Options { get; init; }

    /// <summary>A one-paragraph report naming the worst comparison.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string verdict = Passed ? "passed" : "FAILED";
        if (Comparisons == 0) return $"GradCheck {verdict} ({Mode}): nothing to compare (output {OutputShape}, inputs {string.Join(", ", InputShapes)}).";
        string where = Mode == GradCheckMode.Full
            ? $"{InputName(WorstInput)} {InputShapes[WorstInput]} element {WorstElement}{Coordinates(InputShapes[WorstInput], WorstElement)}, output element {WorstOutputElement}{Coordinates(OutputShape, WorstOutputElement)}"
            : $"projection {WorstElement}";
        double allowed = Options.AbsoluteTolerance + Options.RelativeTolerance * Math.Abs(Numeric);
        return string.Create(c,
            $"GradCheck {verdict} ({Mode}, {Comparisons} comparisons, output {OutputShape}): worst at {where}: analytic {Analytic:R}, numeric {Numeric:R}, " +
            $"|error| {WorstError:G4} (allowed {allowed:G4} = atol {Options.AbsoluteTolerance:G3} + rtol {Options.RelativeTolerance:G3} · |numeric|; ratio {WorstErrorRatio:G4}); " +
            $"largest |error| anywhere {MaxAbsoluteError:G4}; largest |numeric| {LargestNumeric:G4}.");
    }

    private static string Coordinates(Shape shape, int index)
    {
        if (shape.Rank < 2 || index < 0) return "";
        var dims = shape.ToArray();
        var coordinates = new int[dims.Length];
        for (int axis = dims.Length - 1; axis >= 0; axis--)
        {
            coordinates[axis] = index % dims[axis];
            index /= dims[axis];
        }
        return $" [{string.Join(", ", coordinates)}]";
    }
}

/// <summary>Thrown by <see cref="GradCheck.Assert"/> when a check fails; the message names the worst element.</summary>
public sealed class GradCheckException : Exception
{
    /// <summary>Creates the exception for a failed <paramref name="result"/>.</summary>
    public GradCheckException(GradCheckResult result) : base(result?.ToString()) => Result = result ?? throw new ArgumentNullException(nameof(result));

    /// <summary>The failed check.</summary>
    public GradCheckResult Result { get; }
}
