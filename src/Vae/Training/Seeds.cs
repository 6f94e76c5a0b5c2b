namespace ScratchVae.Vae.Training;

/// <summary>
/// Independent Philox keys for each use of randomness, derived from the one user seed with SplitMix64, so that
/// initialisation, shuffling, training noise and evaluation noise never share a stream.
/// </summary>
public static class Seeds
{
    /// <summary>Weight initialisation.</summary>
    public const ulong Initialization = 1;
    /// <summary>The order of training examples, per epoch.</summary>
    public const ulong Shuffle = 2;
    /// <summary>ε of the training steps.</summary>
    public const ulong TrainingNoise = 3;
    /// <summary>ε of evaluations (fixed, so test losses of different epochs are comparable).</summary>
    public const ulong EvaluationNoise = 4;
    /// <summary>Samples from the prior and other pictures.</summary>
    public const ulong Pictures = 5;

    /// <summary>The key for <paramref name="purpose"/> under user seed <paramref name="seed"/>.</summary>
    public static ulong Derive(ulong seed, ulong purpose)
    {
        // SplitMix64's finaliser over (seed, purpose): a bijective mix with good avalanche.
        ulong z = seed * 0x9E3779B97F4A7C15ul + purpose * 0xD1B54A32D192ED03ul + 0x632BE59BD9B4E019ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }
}
