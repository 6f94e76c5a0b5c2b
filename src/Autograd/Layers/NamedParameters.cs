using System.Numerics;

namespace ScratchVae.Autograd.Layers;

/// <summary>Helpers for parameters that are not in a module.</summary>
public static class NamedParameterExtensions
{
    /// <summary>
    /// Loose parameters named by their own <see cref="Parameter{T}.Name"/> (a repeated name gets ".1", ".2", … so state
    /// dicts stay unambiguous), for an optimizer: <c>new Sgd&lt;float&gt;(new[] { w, b }.Named(), 0.1)</c>.
    /// </summary>
    public static IReadOnlyList<NamedParameter<T>> Named<T>(this IEnumerable<Parameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<NamedParameter<T>>();
        foreach (var parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter);
            int count = seen.TryGetValue(parameter.Name, out int n) ? n : 0;
            seen[parameter.Name] = count + 1;
            result.Add(new NamedParameter<T>(count == 0 ? parameter.Name : $"{parameter.Name}.{count}", parameter));
        }
        return result;
    }
}
