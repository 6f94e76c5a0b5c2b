// Shape legend as in ConvolutionGeometry: x [N, C, H, W], w [O, C, KH, KW], y [N, O, P, Q]; L = P·Q, R = C·KH·KW.
// The host runs a convolution as GEMMs over unfolded patches (im2col), a group of G images at a time:
//   forward          y_cm [O, G·L]  = w [O, R] · patches [R, G·L]
//   backward input   dpatches [R, G·L] = wᵀ · dy_cm [O, G·L], then fold dpatches into dx (col2im)
//   backward weight  dw [O, R] (+)= dy_cm [O, G·L] · patchesᵀ
// so the multiply-adds run in the packed GEMM, and only the unfolding and folding are convolution-specific.
// docs/perf-notes.md ("Convolution") compares this with a direct loop.
using System.Numerics;
using ScratchVae.Kernels.Host.Convolution;
using ScratchVae.Kernels.Host.Gemm;

namespace ScratchVae.Kernels.Host;

public sealed unsafe partial class HostBackend
{
    /// <summary>The most elements the unfolded patches of one image group may take (32 MiB of float); larger batches run in groups.</summary>
    internal const long PatchBudget = 8L * 1024 * 1024;

    private readonly ConvolutionScratch _convolutionScratch = new();

    /// <inheritdoc />
    public void Conv2d<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> weight, DeviceBuffer<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2d";
        CheckConvolution(primitive, geometry, (nameof(input), input, geometry.InputLength), (nameof(weight), weight, geometry.WeightLength), (nameof(output), output, geometry.OutputLength));
        var g = geometry;
        int outputPixels = g.OutputHeight * g.OutputWidth;
        T* x = Pointer(input), w = Pointer(weight), y = Pointer(output);
        for (int first = 0, images; first < g.Batch; first += images)
        {
            images = GroupSize(g, first);
            T* patches = UnfoldGroup(g, x, first, images);
            int columns = images * outputPixels;
            // One image's channel-major block is its NCHW block: the GEMM writes y directly.
            T* target = images == 1 ? y + (long)first * g.OutputChannels * outputPixels : _convolutionScratch.ChannelMajor<T>((long)g.OutputChannels * columns);
            lock (_poolGate) PackedGemm.Multiply(_pool, false, false, g.OutputChannels, columns, g.PatchLength, T.One, w, patches, T.Zero, target);
            if (images > 1) TransposeGroup(y, target, g.OutputChannels, outputPixels, first, images, toChannelMajor: false);
        }
    }

    /// <inheritdoc />
    public void Conv2dBackwardInput<T>(ConvolutionGeometry geometry, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weight, DeviceBuffer<T> inputGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2dBackwardInput";
        CheckConvolution(primitive, geometry, (nameof(outputGradient), outputGradient, geometry.OutputLength), (nameof(weight), weight, geometry.WeightLength), (nameof(inputGradient), inputGradient, geometry.InputLength));
        var g = geometry;
        int outputPixels = g.OutputHeight * g.OutputWidth;
        T* dy = Pointer(outputGradient), w = Pointer(weight), dx = Pointer(inputGradient);
        for (int first = 0, images; first < g.Batch; first += images)
        {
            images = GroupSize(g, first);
            int columns = images * outputPixels;
            T* dyChannelMajor = ChannelMajorGroup(dy, g.OutputChannels, outputPixels, first, images);
            T* patches = _convolutionScratch.Patches<T>((long)g.PatchLength * columns);
            lock (_poolGate) PackedGemm.Multiply(_pool, true, false, g.PatchLength, columns, g.OutputChannels, T.One, w, dyChannelMajor, T.Zero, patches);
            int chunks = RowChunks(images * g.InputChannels, g.KernelHeight * g.KernelWidth * outputPixels, out int planesPerChunk);
            Run(new PatchLoops.Fold<T>(g, patches, first, images, dx, accumulate, planesPerChunk), chunks);
        }
    }

    /// <inheritdoc />
    public void Conv2dBackwardWeight<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weightGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2dBackwardWeight";
        CheckConvolution(primitive, geometry, (nameof(input), input, geometry.InputLength), (nameof(outputGradient), outputGradient, geometry.OutputLength), (nameof(weightGradient), weightGradient, geometry.WeightLength));
        var g = geometry;
        int outputPixels = g.OutputHeight * g.OutputWidth;
        T* x = Pointer(input), dy = Pointer(outputGradient), dw = Pointer(weightGradient);
        // No images: dw is the empty sum, 0.
        if (g.Batch == 0 && !accumulate) new Span<T>(dw, g.WeightLength).Clear();
        for (int first = 0, images; first < g.Batch; first += images)
        {
            images = GroupSize(g, first);
            int columns = images * outputPixels;
            T* patches = UnfoldGroup(g, x, first, images);
            T* dyChannelMajor = ChannelMajorGroup(dy, g.OutputChannels, outputPixels, first, images);
            // Groups after the first add to what the earlier ones gave.
            T beta = accumulate || first > 0 ? T.One : T.Zero;
            lock (_poolGate) PackedGemm.Multiply(_pool, false, true, g.OutputChannels, g.PatchLength, columns, T.One, dyChannelMajor, patches, beta, dw);
        }
    }

    /// <inheritdoc />
    public void AddChannelBias<T>(DeviceBuffer<T> x, DeviceBuffer<T> bias, int batch, int channels, int pixels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "AddChannelBias";
        ThrowIfDisposed();
        int count = ArgumentChecks.ChannelLayout(primitive, batch, channels, pixels);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(bias), bias, channels);
        if (count == 0) return;
        int chunks = RowChunks(batch * channels, pixels, out int planesPerChunk);
        Run(new PatchLoops.ChannelBias<T>(Pointer(x), Pointer(bias), channels, pixels, batch * channels, planesPerChunk), chunks);
    }

    /// <inheritdoc />
    public void SumPerChannel<T>(DeviceBuffer<T> x, int batch, int channels, int pixels, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "SumPerChannel";
        ThrowIfDisposed();
        int count = ArgumentChecks.ChannelLayout(primitive, batch, channels, pixels);
        ArgumentChecks.Buffer(this, primitive, nameof(x), x, count);
        ArgumentChecks.Buffer(this, primitive, nameof(y), y, channels);
        if (channels == 0) return;
        int chunks = RowChunks(channels, batch * pixels, out int channelsPerChunk);
        Run(new PatchLoops.ChannelSum<T>(Pointer(x), batch, channels, pixels, Pointer(y), accumulate, channelsPerChunk), chunks);
    }

    private void CheckConvolution<T>(string primitive, ConvolutionGeometry geometry, params ReadOnlySpan<(string Name, DeviceBuffer<T> Buffer, int Length)> operands)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        geometry.Validate(primitive);
        foreach (var (name, buffer, length) in operands) ArgumentChecks.Buffer(this, primitive, name, buffer, length);
    }

    // G: as many images as fit the patch budget (at least one), from image `first` on.
    private static int GroupSize(ConvolutionGeometry g, int first)
    {
        long perImage = (long)g.PatchLength * g.OutputHeight * g.OutputWidth;
        return (int)Math.Clamp(PatchBudget / Math.Max(perImage, 1), 1, g.Batch - first);
    }

    private T* UnfoldGroup<T>(ConvolutionGeometry g, T* x, int first, int images) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int columns = images * g.OutputHeight * g.OutputWidth;
        T* patches = _convolutionScratch.Patches<T>((long)g.PatchLength * columns);
        int chunks = RowChunks(g.PatchLength, columns, out int rowsPerChunk);
        Run(new PatchLoops.Unfold<T>(g, x, first, images, patches, rowsPerChunk), chunks);
        return patches;
    }

    // A group of images of an NCHW tensor in channel-major order: in place for one image, else copied to scratch.
    private T* ChannelMajorGroup<T>(T* tensor, int channels, int pixels, int first, int images) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (images == 1) return tensor + (long)first * channels * pixels;
        T* channelMajor = _convolutionScratch.ChannelMajor<T>((long)channels * images * pixels);
        TransposeGroup(tensor, channelMajor, channels, pixels, first, images, toChannelMajor: true);
        return channelMajor;
    }

    private void TransposeGroup<T>(T* tensor, T* channelMajor, int channels, int pixels, int first, int images, bool toChannelMajor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = RowChunks(channels * images, pixels, out int blocksPerChunk);
        Run(new PatchLoops.Transpose<T>(tensor, channelMajor, channels, pixels, first, images, toChannelMajor, blocksPerChunk), chunks);
    }
}
