using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchVae.Kernels.Host.Gemm;

/// <summary>
/// The portable micro-kernel: a 4 × 4 tile of C in 16 scalar accumulators, for processors without accelerated
/// wide vectors and for element types other than float and double. Still blocked and packed, so it keeps the
/// cache behaviour of the vector kernels.
/// </summary>
internal readonly unsafe struct ScalarKernel<T> : IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public static int Rows => 4;

    /// <inheritdoc />
    public static int Columns => 4;

    /// <inheritdoc />
    public static GemmCostModel CostModel { get; } = GemmCostModel.For(MachineProperties.Current, 8 * Unsafe.SizeOf<T>(), Unsafe.SizeOf<T>());

    /// <inheritdoc />
    public static bool SupportsRowStridedA => true;

    /// <inheritdoc />
    [MethodImpl(HotLoop.Options)]
    public static void Run(int depth, T* a, nint aRowStride, nint aDepthStride, T* b, nint bDepthStride,
        T alpha, T beta, T* c, nint cRowStride, int rows, int columns)
    {
        T* tile = TileUpdate.Scratch<T>(); // before the loop: see TileUpdate.Scratch
        T* a0 = a, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride;
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            T b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            T x = a0[offset];
            c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
            x = a1[offset];
            c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
            x = a2[offset];
            c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
            x = a3[offset];
            c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
            offset += aDepthStride;
            b += bDepthStride;
        }

        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
        TileUpdate.Apply(tile, 4, rows, columns, alpha, beta, c, cRowStride);
    }
}
