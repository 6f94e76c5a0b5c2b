namespace ScratchVae.Kernels.Operators;

/// <summary>An operator struct's name for people: its type name without the "Operator" suffix ("Relu" for <see cref="ReluOperator"/>).</summary>
public static class OperatorName
{
    private const string Suffix = "Operator";

    /// <summary>"Relu" for ReluOperator; any other type's own name.</summary>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Name.Length > Suffix.Length && type.Name.EndsWith(Suffix, StringComparison.Ordinal) ? type.Name[..^Suffix.Length] : type.Name;
    }
}
