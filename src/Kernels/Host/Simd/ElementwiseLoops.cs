using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>
/// The elementwise loops of the host backend over one contiguous range (the backend splits large arrays
/// into ranges for its threads). Each loop runs the operator's Vector512 version over whole vectors and
/// the last partial vector through a padded load, or the scalar formula when the operator has no SIMD version.
/// Arguments were validated by the caller.
/// </summary>
internal static unsafe class ElementwiseLoops
{
    /// <summary>y[i] = f(x[i]).</summary>
    [MethodImpl(HotLoop.Options)]
    public static void Map<T, TOperator>(T* x, T* y, int length)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        if (TOperator.IsVectorized && Lanes.UseVectors)
        {
            int width = Vector512<T>.Count;
            int i = 0;
            for (; i <= length - width; i += width)
                TOperator.Apply(Vector512.Load(x + i)).Store(y + i);
            if (i < length)
                Lanes.StorePartial(TOperator.Apply(Lanes.LoadPartial(x + i, length - i, T.One)), y + i, length - i);
        }
        else
        {
            for (int i = 0; i < length; i++) y[i] = TOperator.Apply(x[i]);
        }
    }

    /// <summary>dx[i] = dy[i] · f'(x[i], y[i]), or dx[i] += that when <paramref name="accumulate"/>.</summary>
    [MethodImpl(HotLoop.Options)]
    public static void MapBackward<T, TOperator>(T* x, T* y, T* dy, T* dx, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        if (TOperator.IsVectorized && Lanes.UseVectors)
        {
            int width = Vector512<T>.Count;
            int i = 0;
            for (; i <= length - width; i += width)
            {
                Vector512<T> gradient = Vector512.Load(dy + i) * TOperator.Derivative(Vector512.Load(x + i), Vector512.Load(y + i));
                if (accumulate) gradient = Vector512.Load(dx + i) + gradient;
                gradient.Store(dx + i);
            }
            if (i < length)
            {
                int count = length - i;
                Vector512<T> gradient = Lanes.LoadPartial(dy + i, count, T.One)
                    * TOperator.Derivative(Lanes.LoadPartial(x + i, count, T.One), Lanes.LoadPartial(y + i, count, T.One));
                if (accumulate) gradient = Lanes.LoadPartial(dx + i, count, T.Zero) + gradient;
                Lanes.StorePartial(gradient, dx + i, count);
            }
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                T gradient = dy[i] * TOperator.Derivative(x[i], y[i]);
                dx[i] = accumulate ? dx[i] + gradient : gradient;
            }
        }
    }

    /// <summary>c[i] (+)= f(a[i], b[i]) for i &lt; length: both operands full (Broadcast.None), or one row against a bias row.</summary>
    [MethodImpl(HotLoop.Options)]
    public static void Zip<T, TOperator>(T* a, T* b, T* c, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        if (TOperator.IsVectorized && Lanes.UseVectors)
        {
            int width = Vector512<T>.Count;
            int i = 0;
            for (; i <= length - width; i += width)
            {
                Vector512<T> value = TOperator.Apply(Vector512.Load(a + i), Vector512.Load(b + i));
                if (accumulate) value = Vector512.Load(c + i) + value;
                value.Store(c + i);
            }
            if (i < length)
            {
                int count = length - i;
                Vector512<T> value = TOperator.Apply(Lanes.LoadPartial(a + i, count, T.One), Lanes.LoadPartial(b + i, count, T.One));
                if (accumulate) value = Lanes.LoadPartial(c + i, count, T.Zero) + value;
                Lanes.StorePartial(value, c + i, count);
            }
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                T value = TOperator.Apply(a[i], b[i]);
                c[i] = accumulate ? c[i] + value : value;
            }
        }
    }

    /// <summary>c[i] (+)= f(a[i], b) for i &lt; length with one b for all (Broadcast.Scalar, or one row under Broadcast.Column).</summary>
    [MethodImpl(HotLoop.Options)]
    public static void ZipWithScalar<T, TOperator>(T* a, T b, T* c, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        if (TOperator.IsVectorized && Lanes.UseVectors)
        {
            int width = Vector512<T>.Count;
            Vector512<T> bVector = Vector512.Create(b);
            int i = 0;
            for (; i <= length - width; i += width)
            {
                Vector512<T> value = TOperator.Apply(Vector512.Load(a + i), bVector);
                if (accumulate) value = Vector512.Load(c + i) + value;
                value.Store(c + i);
            }
            if (i < length)
            {
                int count = length - i;
                Vector512<T> value = TOperator.Apply(Lanes.LoadPartial(a + i, count, T.One), bVector);
                if (accumulate) value = Lanes.LoadPartial(c + i, count, T.Zero) + value;
                Lanes.StorePartial(value, c + i, count);
            }
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                T value = TOperator.Apply(a[i], b);
                c[i] = accumulate ? c[i] + value : value;
            }
        }
    }

    /// <summary>y[j] = f(x[j] + bias[j]) for j &lt; length (one row of a linear layer's output).</summary>
    [MethodImpl(HotLoop.Options)]
    public static void BiasActivation<T, TOperator>(T* x, T* bias, T* y, int length)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        if (TOperator.IsVectorized && Lanes.UseVectors)
        {
            int width = Vector512<T>.Count;
            int j = 0;
            for (; j <= length - width; j += width)
                TOperator.Apply(Vector512.Load(x + j) + Vector512.Load(bias + j)).Store(y + j);
            if (j < length)
            {
                int count = length - j;
                Vector512<T> sum = Lanes.LoadPartial(x + j, count, T.One) + Lanes.LoadPartial(bias + j, count, T.Zero);
                Lanes.StorePartial(TOperator.Apply(sum), y + j, count);
            }
        }
        else
        {
            for (int j = 0; j < length; j++) y[j] = TOperator.Apply(x[j] + bias[j]);
        }
    }

    /// <summary>y[i] = alpha · x[i] + beta · y[i]; y is not read when beta is 0 (so NaNs in it do not propagate).</summary>
    [MethodImpl(HotLoop.Options)]
    public static void Axpby<T>(T alpha, T* x, T beta, T* y, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        Vector512<T> alphaVector = Vector512.Create(alpha), betaVector = Vector512.Create(beta);
        bool readY = beta != T.Zero;
        int i = 0;
        if (Lanes.UseVectors)
        {
            for (; i <= length - width; i += width)
            {
                Vector512<T> value = alphaVector * Vector512.Load(x + i);
                if (readY) value += betaVector * Vector512.Load(y + i);
                value.Store(y + i);
            }
        }
        // The scalar end computes exactly what a lane does (same operations, no fused multiply-add).
        for (; i < length; i++) y[i] = readY ? alpha * x[i] + beta * y[i] : alpha * x[i];
    }

    /// <summary>destination[i] += source[i].</summary>
    [MethodImpl(HotLoop.Options)]
    public static void AddInto<T>(T* source, T* destination, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        int i = 0;
        if (Lanes.UseVectors)
        {
            for (; i <= length - width; i += width)
                (Vector512.Load(destination + i) + Vector512.Load(source + i)).Store(destination + i);
        }
        for (; i < length; i++) destination[i] += source[i];
    }
}
