using System.Collections.Concurrent;
using System.Reflection;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// One kernel method of the ILGPU backend: its open generic definition (element type first, then an operator struct
/// when it has one) and how it is launched.
/// </summary>
public sealed class KernelDefinition
{
    private readonly ConcurrentDictionary<(Type Element, Type? Operator), MethodInfo> _instantiations = new();

    internal KernelDefinition(Type declaringType, string methodName, bool explicitlyGrouped, int threadsPerGroup = 0)
    {
        if (explicitlyGrouped != (threadsPerGroup > 0))
            throw new InvalidOperationException($"Kernel {declaringType.Name}.{methodName}: an explicitly grouped kernel names its threads per group, and only it.");
        ThreadsPerGroup = threadsPerGroup;
        Method = declaringType.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"Kernel {declaringType.Name}.{methodName} does not exist.");
        if (!Method.IsGenericMethodDefinition)
            throw new InvalidOperationException($"Kernel {Name} must be generic over its element type.");
        IsExplicitlyGrouped = explicitlyGrouped;
        Type[] parameters = Method.GetGenericArguments();
        if (parameters.Length > 2)
            throw new InvalidOperationException($"Kernel {Name} has {parameters.Length} type parameters; at most the element type and one operator are supported.");
        if (parameters.Length == 2)
        {
            Type[] constraints = parameters[1].GetGenericParameterConstraints();
            OperatorInterface = constraints.Contains(typeof(IUnaryOperator)) ? typeof(IUnaryOperator)
                : constraints.Contains(typeof(IBinaryOperator)) ? typeof(IBinaryOperator)
                : throw new InvalidOperationException($"Kernel {Name}'s second type parameter must be an IUnaryOperator or IBinaryOperator.");
        }
    }

    /// <summary>The open generic kernel method.</summary>
    public MethodInfo Method { get; }

    /// <summary>"Class.Method", for messages.</summary>
    public string Name => $"{Method.DeclaringType!.Name}.{Method.Name}";

    /// <summary>True for kernels launched with an explicit grid and group (shared memory, barriers); false for implicitly grouped ones.</summary>
    public bool IsExplicitlyGrouped { get; }

    /// <summary>The threads per group an explicitly grouped kernel is launched with (its KernelConfig); 0 for implicitly grouped ones.</summary>
    public int ThreadsPerGroup { get; }

    /// <summary><see cref="IUnaryOperator"/> or <see cref="IBinaryOperator"/> when the kernel is generic over an operator, else null.</summary>
    public Type? OperatorInterface { get; }

    /// <summary>The kernel for one element type (and operator, when it has one); cached.</summary>
    public MethodInfo Instantiate(Type elementType, Type? operatorType = null)
    {
        if ((operatorType is null) != (OperatorInterface is null))
            throw new ArgumentException(OperatorInterface is null
                ? $"Kernel {Name} takes no operator."
                : $"Kernel {Name} needs an operator implementing {OperatorInterface.Name}.", nameof(operatorType));
        return _instantiations.GetOrAdd((elementType, operatorType), static (key, method) =>
            key.Operator is null ? method.MakeGenericMethod(key.Element) : method.MakeGenericMethod(key.Element, key.Operator), Method);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
