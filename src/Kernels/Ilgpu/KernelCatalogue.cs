using System.Reflection;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Every kernel method the ILGPU backend launches. The backend loads kernels only through these definitions, so the
/// compilation tests, which enumerate <see cref="All"/> × {float, double} × every operator struct, cover everything
/// that can run on a GPU.
/// </summary>
public static class KernelCatalogue
{
    /// <summary><see cref="ElementwiseKernels.Map{T, TOperator}"/>.</summary>
    public static readonly KernelDefinition Map = new(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Map), false);
    /// <summary><see cref="ElementwiseKernels.MapBackward{T, TOperator}"/>.</summary>
    public static readonly KernelDefinition MapBackward = new(typeof(ElementwiseKernels), nameof(ElementwiseKernels.MapBackward), false);
    /// <summary><see cref="ElementwiseKernels.Zip{T, TOperator}"/>.</summary>
    public static readonly KernelDefinition Zip = new(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Zip), false);
    /// <summary><see cref="ElementwiseKernels.Axpby{T}"/>.</summary>
    public static readonly KernelDefinition Axpby = new(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Axpby), false);
    /// <summary><see cref="ElementwiseKernels.BiasActivation{T, TOperator}"/>.</summary>
    public static readonly KernelDefinition BiasActivation = new(typeof(ElementwiseKernels), nameof(ElementwiseKernels.BiasActivation), false);
    /// <summary><see cref="MemoryKernels.Fill{T}"/>.</summary>
    public static readonly KernelDefinition Fill = new(typeof(MemoryKernels), nameof(MemoryKernels.Fill), false);
    /// <summary><see cref="MemoryKernels.Copy2D{T}"/>.</summary>
    public static readonly KernelDefinition Copy2D = new(typeof(MemoryKernels), nameof(MemoryKernels.Copy2D), false);
    /// <summary><see cref="ReductionKernels.SumOverRows{T}"/>.</summary>
    public static readonly KernelDefinition SumOverRows = new(typeof(ReductionKernels), nameof(ReductionKernels.SumOverRows), false);
    /// <summary><see cref="ReductionKernels.SumOverColumns{T}"/>.</summary>
    public static readonly KernelDefinition SumOverColumns = new(typeof(ReductionKernels), nameof(ReductionKernels.SumOverColumns), false);
    /// <summary><see cref="ReductionKernels.MaxOverColumns{T}"/>.</summary>
    public static readonly KernelDefinition MaxOverColumns = new(typeof(ReductionKernels), nameof(ReductionKernels.MaxOverColumns), false);
    /// <summary><see cref="ReductionKernels.SumAllPartials{T}"/>.</summary>
    public static readonly KernelDefinition SumAllPartials = new(typeof(ReductionKernels), nameof(ReductionKernels.SumAllPartials), false);
    /// <summary><see cref="ReductionKernels.SumOfSquaresPartials{T}"/>.</summary>
    public static readonly KernelDefinition SumOfSquaresPartials = new(typeof(ReductionKernels), nameof(ReductionKernels.SumOfSquaresPartials), false);
    /// <summary><see cref="ReductionKernels.SumAllFinal{T}"/>.</summary>
    public static readonly KernelDefinition SumAllFinal = new(typeof(ReductionKernels), nameof(ReductionKernels.SumAllFinal), false);
    /// <summary><see cref="LossKernels.BceLossElements{T}"/>.</summary>
    public static readonly KernelDefinition BceLossElements = new(typeof(LossKernels), nameof(LossKernels.BceLossElements), false);
    /// <summary><see cref="LossKernels.BceGradient{T}"/>.</summary>
    public static readonly KernelDefinition BceGradient = new(typeof(LossKernels), nameof(LossKernels.BceGradient), false);
    /// <summary><see cref="OptimizerKernels.AdamUpdate{T}"/>.</summary>
    public static readonly KernelDefinition AdamUpdate = new(typeof(OptimizerKernels), nameof(OptimizerKernels.AdamUpdate), false);
    /// <summary><see cref="OptimizerKernels.SgdUpdate{T}"/>.</summary>
    public static readonly KernelDefinition SgdUpdate = new(typeof(OptimizerKernels), nameof(OptimizerKernels.SgdUpdate), false);
    /// <summary><see cref="RandomKernels.UniformFill{T}"/>.</summary>
    public static readonly KernelDefinition UniformFill = new(typeof(RandomKernels), nameof(RandomKernels.UniformFill), false);
    /// <summary><see cref="RandomKernels.NormalFill{T}"/>.</summary>
    public static readonly KernelDefinition NormalFill = new(typeof(RandomKernels), nameof(RandomKernels.NormalFill), false);
    /// <summary><see cref="GemmKernels.PerElement{T}"/>.</summary>
    public static readonly KernelDefinition GemmPerElement = new(typeof(GemmKernels), nameof(GemmKernels.PerElement), false);
    /// <summary><see cref="GemmKernels.Tiled{T}"/>.</summary>
    public static readonly KernelDefinition GemmTiled = new(typeof(GemmKernels), nameof(GemmKernels.Tiled), true, GemmKernels.ThreadsPerGroup);
    /// <summary><see cref="GemmKernels.Tiled128{T}"/>.</summary>
    public static readonly KernelDefinition GemmTiled128 = new(typeof(GemmKernels), nameof(GemmKernels.Tiled128), true, GemmKernels.WideThreadsPerGroup);
    /// <summary><see cref="GemmKernels.SumSplits{T}"/>.</summary>
    public static readonly KernelDefinition GemmSumSplits = new(typeof(GemmKernels), nameof(GemmKernels.SumSplits), false);

    /// <summary><see cref="ConvolutionKernels.Conv2d{T}"/>.</summary>
    public static readonly KernelDefinition Conv2d = new(typeof(ConvolutionKernels), nameof(ConvolutionKernels.Conv2d), false);
    /// <summary><see cref="ConvolutionKernels.Conv2dBackwardInput{T}"/>.</summary>
    public static readonly KernelDefinition Conv2dBackwardInput = new(typeof(ConvolutionKernels), nameof(ConvolutionKernels.Conv2dBackwardInput), false);
    /// <summary><see cref="ConvolutionKernels.Conv2dBackwardWeight{T}"/>.</summary>
    public static readonly KernelDefinition Conv2dBackwardWeight = new(typeof(ConvolutionKernels), nameof(ConvolutionKernels.Conv2dBackwardWeight), false);
    /// <summary><see cref="ConvolutionKernels.AddChannelBias{T}"/>.</summary>
    public static readonly KernelDefinition AddChannelBias = new(typeof(ConvolutionKernels), nameof(ConvolutionKernels.AddChannelBias), false);
    /// <summary><see cref="ConvolutionKernels.SumPerChannel{T}"/>.</summary>
    public static readonly KernelDefinition SumPerChannel = new(typeof(ConvolutionKernels), nameof(ConvolutionKernels.SumPerChannel), false);

    /// <summary>All kernel definitions, in declaration order.</summary>
    public static IReadOnlyList<KernelDefinition> All { get; } =
        typeof(KernelCatalogue).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(KernelDefinition))
            .Select(field => (KernelDefinition)field.GetValue(null)!)
            .ToArray();

    /// <summary>The element types every kernel is instantiated for.</summary>
    public static IReadOnlyList<Type> ElementTypes { get; } = [typeof(float), typeof(double)];

    /// <summary>Every operator struct implementing <paramref name="operatorInterface"/> in ScratchVae.Kernels.Operators, found by reflection.</summary>
    public static IReadOnlyList<Type> Operators(Type operatorInterface) =>
        typeof(IUnaryOperator).Assembly.GetTypes()
            .Where(type => type.IsValueType && !type.IsGenericTypeDefinition && type.Namespace == typeof(IUnaryOperator).Namespace
                && operatorInterface.IsAssignableFrom(type))
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every concrete kernel: each definition × element type × operator (when it takes one).</summary>
    public static IEnumerable<(KernelDefinition Definition, MethodInfo Kernel)> Instantiations()
    {
        foreach (var definition in All)
            foreach (var elementType in ElementTypes)
            {
                if (definition.OperatorInterface is null)
                {
                    yield return (definition, definition.Instantiate(elementType));
                    continue;
                }
                foreach (var operatorType in Operators(definition.OperatorInterface))
                    yield return (definition, definition.Instantiate(elementType, operatorType));
            }
    }
}
