// Shape legend (NCHW, as PyTorch): N images, C input channels of H × W pixels, O output channels of P × Q pixels,
// a kernel of KH × KW taps moved S pixels at a time over the input padded with Pad zeros on every side.
//   input x [N, C, H, W], weight w [O, C, KH, KW], output y [N, O, P, Q],
//   P = ⌊(H + 2·PadH − KH) / SH⌋ + 1,   Q = ⌊(W + 2·PadW − KW) / SW⌋ + 1.
// Output pixel (p, q) sees input pixel (h, w) = (p·SH − PadH + i, q·SW − PadW + j) through tap (i, j).
namespace ScratchVae.Kernels;

/// <summary>
/// The sizes of one 2-D convolution over NCHW tensors, shared by the forward pass and both backward passes (and by a
/// transposed convolution, which is the backward-input pass of the convolution whose geometry this is). Immutable;
/// <see cref="Validate"/> checks it once with a message that names the primitive and every size.
/// </summary>
/// <param name="Batch">N, the images.</param>
/// <param name="InputChannels">C.</param>
/// <param name="InputHeight">H.</param>
/// <param name="InputWidth">W.</param>
/// <param name="OutputChannels">O.</param>
/// <param name="KernelHeight">KH.</param>
/// <param name="KernelWidth">KW.</param>
/// <param name="StrideHeight">SH ≥ 1.</param>
/// <param name="StrideWidth">SW ≥ 1.</param>
/// <param name="PaddingHeight">PadH ≥ 0 zero rows above and below.</param>
/// <param name="PaddingWidth">PadW ≥ 0 zero columns left and right.</param>
public readonly record struct ConvolutionGeometry(
    int Batch, int InputChannels, int InputHeight, int InputWidth,
    int OutputChannels, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PaddingHeight, int PaddingWidth)
{
    /// <summary>A square kernel with the same stride and padding on both axes.</summary>
    public static ConvolutionGeometry Square(int batch, int inputChannels, int inputHeight, int inputWidth, int outputChannels, int kernel, int stride, int padding)
        => new(batch, inputChannels, inputHeight, inputWidth, outputChannels, kernel, kernel, stride, stride, padding, padding);

    /// <summary>P = ⌊(H + 2·PadH − KH) / SH⌋ + 1 (meaningful once <see cref="Validate"/> passed).</summary>
    public int OutputHeight => StrideHeight <= 0 ? 0 : (InputHeight + 2 * PaddingHeight - KernelHeight) / StrideHeight + 1;

    /// <summary>Q = ⌊(W + 2·PadW − KW) / SW⌋ + 1.</summary>
    public int OutputWidth => StrideWidth <= 0 ? 0 : (InputWidth + 2 * PaddingWidth - KernelWidth) / StrideWidth + 1;

    /// <summary>N·C·H·W, the elements of x (and of ∂L/∂x).</summary>
    public int InputLength => Batch * InputChannels * InputHeight * InputWidth;

    /// <summary>N·O·P·Q, the elements of y (and of ∂L/∂y).</summary>
    public int OutputLength => Batch * OutputChannels * OutputHeight * OutputWidth;

    /// <summary>O·C·KH·KW, the elements of w (and of ∂L/∂w).</summary>
    public int WeightLength => OutputChannels * InputChannels * KernelHeight * KernelWidth;

    /// <summary>C·KH·KW, the taps of one output pixel (the depth of the convolution as a GEMM).</summary>
    public int PatchLength => InputChannels * KernelHeight * KernelWidth;

    /// <summary>Multiply-adds of the forward pass: N·O·P·Q·C·KH·KW (each backward pass needs as many).</summary>
    public long MultiplyAdds => (long)Batch * OutputChannels * OutputHeight * OutputWidth * PatchLength;

    /// <summary>
    /// Checks every size: channels, kernel and image ≥ 1 (batch ≥ 0), strides ≥ 1, paddings ≥ 0, a kernel no larger
    /// than the padded input, and element counts that fit a buffer. Throws <see cref="ArgumentException"/> naming
    /// <paramref name="primitive"/> and the geometry.
    /// </summary>
    public void Validate(string primitive)
    {
        // Checked without building a message, which would allocate on every call of a training step.
        long paddedHeight = (long)InputHeight + 2L * PaddingHeight, paddedWidth = (long)InputWidth + 2L * PaddingWidth;
        bool sizes = Batch >= 0 && InputChannels >= 1 && OutputChannels >= 1 && InputHeight >= 1 && InputWidth >= 1
            && KernelHeight >= 1 && KernelWidth >= 1 && StrideHeight >= 1 && StrideWidth >= 1 && PaddingHeight >= 0 && PaddingWidth >= 0;
        if (sizes && paddedHeight >= KernelHeight && paddedWidth >= KernelWidth)
        {
            long outputPixels = ((paddedHeight - KernelHeight) / StrideHeight + 1) * ((paddedWidth - KernelWidth) / StrideWidth + 1);
            if ((long)Batch * InputChannels * InputHeight * InputWidth <= int.MaxValue && (long)Batch * OutputChannels * outputPixels <= int.MaxValue
                && (long)OutputChannels * InputChannels * KernelHeight * KernelWidth <= int.MaxValue
                && (long)InputChannels * KernelHeight * KernelWidth * outputPixels <= int.MaxValue)
                return;
        }
        throw new ArgumentException($"{primitive}: {Problem()} ({this}).");
    }

    // The first size that is out of range, in words.
    private string Problem()
    {
        if (Batch < 0) return $"the batch must be ≥ 0 but is {Batch}";
        if (InputChannels < 1 || OutputChannels < 1) return $"the channels must be ≥ 1 but are {InputChannels} in and {OutputChannels} out";
        if (InputHeight < 1 || InputWidth < 1) return $"the input must be at least 1 × 1 but is {InputHeight} × {InputWidth}";
        if (KernelHeight < 1 || KernelWidth < 1) return $"the kernel must be at least 1 × 1 but is {KernelHeight} × {KernelWidth}";
        if (StrideHeight < 1 || StrideWidth < 1) return $"the stride must be ≥ 1 but is {StrideHeight} × {StrideWidth}";
        if (PaddingHeight < 0 || PaddingWidth < 0) return $"the padding must be ≥ 0 but is {PaddingHeight} × {PaddingWidth}";
        long paddedHeight = (long)InputHeight + 2L * PaddingHeight, paddedWidth = (long)InputWidth + 2L * PaddingWidth;
        if (paddedHeight < KernelHeight || paddedWidth < KernelWidth)
            return $"the kernel {KernelHeight} × {KernelWidth} is larger than the padded input {paddedHeight} × {paddedWidth}";
        return "the input, the output, the weight or one image's unfolded patches (C·KH·KW × P·Q) have more elements than a buffer holds";
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"N={Batch}, C={InputChannels}, {InputHeight}×{InputWidth} → O={OutputChannels}, {OutputHeight}×{OutputWidth}, kernel {KernelHeight}×{KernelWidth}, stride {StrideHeight}×{StrideWidth}, padding {PaddingHeight}×{PaddingWidth}";
}
