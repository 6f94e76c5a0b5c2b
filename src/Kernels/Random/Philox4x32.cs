using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Random;

/// <summary>
/// Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
/// A counter-based generator: the 128-bit counter and the 64-bit key alone determine the four output
/// words, so any element of a random stream can be computed independently, in any order, on any backend.
/// Written with plain uint arithmetic so that ILGPU compiles the same code for GPUs.
/// </summary>
public static class Philox4x32
{
    /// <summary>Round multipliers.</summary>
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;

    /// <summary>Weyl key increments (golden ratio and √3 − 1).</summary>
    public const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The number of rounds of Philox4x32-10.</summary>
    public const int Rounds = 10;

    /// <summary>Encrypts counter (c0, c1, c2, c3) under key (k0, k1) with 10 rounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                // Bump the key between rounds: k ← k + W.
                k0 += W0;
                k1 += W1;
            }
            ulong product0 = (ulong)M0 * c0;
            ulong product1 = (ulong)M1 * c2;
            uint hi0 = (uint)(product0 >> 32), lo0 = (uint)product0;
            uint hi1 = (uint)(product1 >> 32), lo1 = (uint)product1;
            // One Philox S-box/P-box round: (c0, c1, c2, c3) ← (hi1 ⊕ c1 ⊕ k0, lo1, hi0 ⊕ c3 ⊕ k1, lo0).
            uint next0 = hi1 ^ c1 ^ k0;
            uint next2 = hi0 ^ c3 ^ k1;
            c0 = next0;
            c1 = lo1;
            c2 = next2;
            c3 = lo0;
        }
        return new Block(c0, c1, c2, c3);
    }

    /// <summary>
    /// The block the engine's streams use: counter = (low 32, high 32 bits of <paramref name="blockIndex"/>, 0, 0),
    /// key = (low 32, high 32 bits of <paramref name="seed"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block ForStream(ulong seed, ulong blockIndex)
        => Generate((uint)blockIndex, (uint)(blockIndex >> 32), 0u, 0u, (uint)seed, (uint)(seed >> 32));

    /// <summary>Four 32-bit output words.</summary>
    public readonly struct Block
    {
        /// <summary>Creates a block from its four words.</summary>
        public Block(uint x0, uint x1, uint x2, uint x3) { X0 = x0; X1 = x1; X2 = x2; X3 = x3; }

        /// <summary>Output word 0.</summary>
        public uint X0 { get; }
        /// <summary>Output word 1.</summary>
        public uint X1 { get; }
        /// <summary>Output word 2.</summary>
        public uint X2 { get; }
        /// <summary>Output word 3.</summary>
        public uint X3 { get; }

        /// <summary>Word <paramref name="index"/> (0–3).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Word(int index) => index == 0 ? X0 : index == 1 ? X1 : index == 2 ? X2 : X3;
    }
}
