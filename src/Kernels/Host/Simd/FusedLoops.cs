using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Kernels.Host.Simd;

/// <summary>Loops that save passes over memory: binary cross-entropy with its gradient, and the optimizers' updates (Adam, SGD).</summary>
internal static unsafe class FusedLoops
{
    /// <summary>
    /// One row of binary cross-entropy from logits l against targets t:
    /// ℓ = max(l, 0) − l·t + log(1 + e^−|l|), returns Σⱼ ℓ (fixed order); when <paramref name="gradient"/> is not null,
    /// gradient[j] (+)= scale · (σ(l) − t). σ(l) reuses e = e^−|l|: σ(l) = 1/(1 + e) for l ≥ 0 and e/(1 + e)
    /// below, which never overflows.
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static T BceRow<T>(T* logits, T* targets, int columns, T* gradient, T scale, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        Vector512<T> scaleVector = Vector512.Create(scale);
        Vector512<T> loss = Vector512<T>.Zero;
        int j = 0;
        for (; j <= columns - width; j += width)
        {
            Vector512<T> l = Vector512.Load(logits + j), t = Vector512.Load(targets + j);
            loss += BceTerms(l, t, scaleVector, out Vector512<T> gradientValue);
            if (gradient != null)
            {
                if (accumulate) gradientValue += Vector512.Load(gradient + j);
                gradientValue.Store(gradient + j);
            }
        }
        if (j < columns)
        {
            int count = columns - j;
            Vector512<T> l = Lanes.LoadPartial(logits + j, count, T.Zero), t = Lanes.LoadPartial(targets + j, count, T.Zero);
            // Padding lanes (l = t = 0) would add log 2 each: mask them out of the sum.
            loss += BceTerms(l, t, scaleVector, out Vector512<T> gradientValue) & Lanes.FirstLanes<T>(count);
            if (gradient != null)
            {
                if (accumulate) gradientValue += Lanes.LoadPartial(gradient + j, count, T.Zero);
                Lanes.StorePartial(gradientValue, gradient + j, count);
            }
        }
        return Lanes.Sum(loss);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> BceTerms<T>(Vector512<T> l, Vector512<T> t, Vector512<T> scale, out Vector512<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector512<T> e = VectorMath.Exp(-Vector512.Abs(l));
        Vector512<T> onePlusE = Vector512<T>.One + e;
        Vector512<T> positive = Vector512.GreaterThanOrEqual(l, Vector512<T>.Zero);
        Vector512<T> inverse = Vector512<T>.One / onePlusE;
        Vector512<T> sigmoid = Vector512.ConditionalSelect(positive, inverse, e * inverse);
        gradient = scale * (sigmoid - t);
        Vector512<T> positivePart = Vector512.ConditionalSelect(Vector512.GreaterThan(l, Vector512<T>.Zero), l, Vector512<T>.Zero);
        return positivePart - l * t + VectorMath.Log(onePlusE);
    }

    /// <summary>
    /// Adam over one range with torch.optim.Adam's arithmetic (scalars prepared in double by the caller):
    /// g ← g + λθ; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; θ ← θ − stepSize · m / (√v / √(1−β2ᵗ) + ε),
    /// stepSize = lr / (1−β1ᵗ). With decoupled weight decay (torch.optim.AdamW) θ ← θ · (1 − lr·λ) comes first
    /// and g is left alone (<see cref="AdamScalars{T}"/> then holds λ = 0 and the factor ≠ 1). The gradient buffer
    /// is only read. Moments below the smallest normal number are stored as zero (see <see cref="AdamSettings.SmallestNormal{T}"/>).
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static void Adam<T>(T* parameters, T* gradients, T* firstMoment, T* secondMoment, int length, in AdamScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        int i = 0;
        if (Lanes.UseVectors)
        {
            Vector512<T> weightDecay = Vector512.Create(s.WeightDecay), beta1 = Vector512.Create(s.Beta1), oneMinusBeta1 = Vector512.Create(s.OneMinusBeta1);
            Vector512<T> beta2 = Vector512.Create(s.Beta2), oneMinusBeta2 = Vector512.Create(s.OneMinusBeta2);
            Vector512<T> stepSize = Vector512.Create(s.StepSize), correction2Sqrt = Vector512.Create(s.BiasCorrection2Sqrt), epsilon = Vector512.Create(s.Epsilon);
            Vector512<T> smallestNormal = Vector512.Create(s.SmallestNormal), decayFactor = Vector512.Create(s.DecayFactor);
            bool decay = s.WeightDecay != T.Zero, decoupledDecay = s.DecayFactor != T.One;
            for (; i <= length - width; i += width)
            {
                Vector512<T> theta = Vector512.Load(parameters + i);
                if (decoupledDecay) theta *= decayFactor;
                Vector512<T> g = Vector512.Load(gradients + i);
                if (decay) g += weightDecay * theta;
                Vector512<T> m = beta1 * Vector512.Load(firstMoment + i) + oneMinusBeta1 * g;
                Vector512<T> v = beta2 * Vector512.Load(secondMoment + i) + oneMinusBeta2 * (g * g);
                m = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(m), smallestNormal), Vector512<T>.Zero, m); // NaN stays NaN
                v = Vector512.ConditionalSelect(Vector512.LessThan(v, smallestNormal), Vector512<T>.Zero, v);
                Vector512<T> denominator = Vector512.Sqrt(v) / correction2Sqrt + epsilon;
                theta -= stepSize * (m / denominator);
                m.Store(firstMoment + i);
                v.Store(secondMoment + i);
                theta.Store(parameters + i);
            }
        }
        // The scalar end performs exactly the lane operations above, so every element gets the same bits.
        for (; i < length; i++)
        {
            T theta = parameters[i];
            if (s.DecayFactor != T.One) theta *= s.DecayFactor;
            T g = gradients[i];
            if (s.WeightDecay != T.Zero) g += s.WeightDecay * theta;
            T m = s.Beta1 * firstMoment[i] + s.OneMinusBeta1 * g;
            T v = s.Beta2 * secondMoment[i] + s.OneMinusBeta2 * (g * g);
            if (T.Abs(m) < s.SmallestNormal) m = T.Zero;
            if (v < s.SmallestNormal) v = T.Zero;
            T denominator = T.Sqrt(v) / s.BiasCorrection2Sqrt + s.Epsilon;
            theta -= s.StepSize * (m / denominator);
            firstMoment[i] = m;
            secondMoment[i] = v;
            parameters[i] = theta;
        }
    }

    /// <summary>
    /// SGD over one range with torch.optim.SGD's arithmetic (scalars prepared in double by the caller):
    /// g ← g + λθ; with momentum μ, b ← g on the first step or b ← μ b + (1 − dampening) g after it, then
    /// g ← g + μ b (Nesterov) or g ← b; θ ← θ − lr · g. The gradient buffer is only read; <paramref name="momentumBuffer"/>
    /// is neither read nor written (and may be null) without momentum.
    /// </summary>
    [MethodImpl(HotLoop.Options)]
    public static void Sgd<T>(T* parameters, T* gradients, T* momentumBuffer, int length, in SgdScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512<T>.Count;
        int i = 0;
        bool decay = s.WeightDecay != T.Zero;
        if (Lanes.UseVectors)
        {
            Vector512<T> learningRate = Vector512.Create(s.LearningRate), weightDecay = Vector512.Create(s.WeightDecay);
            Vector512<T> momentum = Vector512.Create(s.Momentum), oneMinusDampening = Vector512.Create(s.OneMinusDampening);
            for (; i <= length - width; i += width)
            {
                Vector512<T> theta = Vector512.Load(parameters + i);
                Vector512<T> g = Vector512.Load(gradients + i);
                if (decay) g += weightDecay * theta;
                if (s.UsesMomentum)
                {
                    Vector512<T> buffer = s.FirstStep ? g : momentum * Vector512.Load(momentumBuffer + i) + oneMinusDampening * g;
                    buffer.Store(momentumBuffer + i);
                    g = s.Nesterov ? g + momentum * buffer : buffer;
                }
                theta -= learningRate * g;
                theta.Store(parameters + i);
            }
        }
        // The scalar end performs exactly the lane operations above, so every element gets the same bits.
        for (; i < length; i++)
        {
            T theta = parameters[i];
            T g = gradients[i];
            if (decay) g += s.WeightDecay * theta;
            if (s.UsesMomentum)
            {
                T buffer = s.FirstStep ? g : s.Momentum * momentumBuffer[i] + s.OneMinusDampening * g;
                momentumBuffer[i] = buffer;
                g = s.Nesterov ? g + s.Momentum * buffer : buffer;
            }
            theta -= s.LearningRate * g;
            parameters[i] = theta;
        }
    }
}
