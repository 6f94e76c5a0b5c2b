using System.Numerics;

namespace ScratchVae.Kernels;

/// <summary>The element types the engine supports: float32 for training, float64 for gradient checks.</summary>
public static class DTypes
{
    /// <summary>True when <typeparamref name="T"/> is float or double.</summary>
    public static bool IsSupported<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>Throws <see cref="NotSupportedException"/> unless <typeparamref name="T"/> is float or double.</summary>
    public static void Check<T>()
    {
        if (!IsSupported<T>())
            throw new NotSupportedException($"Element type {typeof(T).Name} is not supported; use float (float32) or double (float64).");
    }

    /// <summary>"float32" or "float64".</summary>
    public static string Name<T>() => typeof(T) == typeof(float) ? "float32" : typeof(T) == typeof(double) ? "float64" : typeof(T).Name;

    /// <summary>Size of one element in bytes.</summary>
    public static int SizeOf<T>() where T : unmanaged => System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
}
