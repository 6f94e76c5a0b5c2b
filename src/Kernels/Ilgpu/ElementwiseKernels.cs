using System.Numerics;
using ILGPU;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Ilgpu;

/// <summary>
/// Elementwise kernels, generic over the element type and the operator struct so that one method serves every
/// operator (the operator's static members are inlined into each instantiation).
/// <para>
/// Every kernel here is grid-stride: it is launched with <c>stride</c> threads (at most one per element) and thread t
/// handles elements t, t + stride, t + 2·stride, … . A GPU launches enough threads to fill the device, while ILGPU's CPU
/// accelerator, which runs each GPU thread on an OS thread at a cost of ~0.1–2 µs per thread, launches only a few
/// threads that each loop over many elements.
/// </para>
/// </summary>
public static class ElementwiseKernels
{
    /// <summary>y[i] = f(x[i]) for i &lt; length.</summary>
    public static void Map<T, TOperator>(Index1D thread, ArrayView<T> x, ArrayView<T> y, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        for (long i = thread; i < length; i += stride) y[i] = TOperator.Apply(x[i]);
    }

    /// <summary>dx[i] (+)= dy[i] · f'(x[i], y[i]) for i &lt; length; adds when <paramref name="accumulate"/> is 1.</summary>
    public static void MapBackward<T, TOperator>(Index1D thread, ArrayView<T> x, ArrayView<T> y, ArrayView<T> dy, ArrayView<T> dx, int length, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        for (long i = thread; i < length; i += stride)
        {
            // Chain rule: ∂L/∂x = ∂L/∂y · f'(x).
            T gradient = dy[i] * TOperator.Derivative(x[i], y[i]);
            dx[i] = accumulate != 0 ? dx[i] + gradient : gradient;
        }
    }

    /// <summary>
    /// c[i, j] (+)= f(a[i, j], b') over a rows × columns matrix, with b' chosen by <paramref name="broadcast"/>
    /// (the integer value of <see cref="Broadcast"/>): b[i, j], b[j], b[i] or b[0].
    /// </summary>
    public static void Zip<T, TOperator>(Index1D thread, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, int rows, int columns, int broadcast, int accumulate, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        long count = (long)rows * columns;
        for (long i = thread; i < count; i += stride)
        {
            long bIndex = broadcast switch
            {
                (int)Broadcast.Row => i % columns,
                (int)Broadcast.Column => i / columns,
                (int)Broadcast.Scalar => 0,
                _ => i,
            };
            T value = TOperator.Apply(a[i], b[bIndex]);
            c[i] = accumulate != 0 ? c[i] + value : value;
        }
    }

    /// <summary>y[i] = alpha · x[i] + beta · y[i] for i &lt; length; y is not read when beta is 0.</summary>
    public static void Axpby<T>(Index1D thread, T alpha, ArrayView<T> x, T beta, ArrayView<T> y, int length, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool readY = beta != T.Zero;
        for (long i = thread; i < length; i += stride)
            y[i] = readY ? alpha * x[i] + beta * y[i] : alpha * x[i];
    }

    /// <summary>y[i, j] = f(x[i, j] + bias[j]) over a rows × columns matrix: a linear layer's bias and activation in one pass.</summary>
    public static void BiasActivation<T, TOperator>(Index1D thread, ArrayView<T> x, ArrayView<T> bias, ArrayView<T> y, int rows, int columns, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        long count = (long)rows * columns;
        for (long i = thread; i < count; i += stride) y[i] = TOperator.Apply(x[i] + bias[i % columns]);
    }
}
