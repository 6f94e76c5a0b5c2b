// Shape legend as in ConvolutionGeometry: x [N, C, H, W], w [O, C, KH, KW], y [N, O, P, Q]; L = P·Q, R = C·KH·KW.
// The host runs a convolution as GEMMs over unfolded patches (im2col), a group of G images at a time, the groups
// spread over the threads and each group's GEMM on its own thread, so that a group's patches stay in that core's cache:
//   forward          y_cm [O, G·L]  = w [O, R] · patches [R, G·L]
//   backward input   dpatches [R, G·L] = wᵀ · dy_cm [O, G·L], then fold dpatches into dx (col2im)
//   backward weight  dw [O, R] (+)= dy_cm [O, G·L] · patchesᵀ
// so the multiply-adds run in the packed GEMM, and only the unfolding and folding are convolution-specific.
// docs/perf-notes.md ("Convolution") compares this with a direct loop.
using System.Numerics;
using ScratchVae.Kernels.Host.Convolution;
using ScratchVae.Kernels.Host.Gemm;
using ScratchVae.Kernels.Host.Parallel;
using ScratchVae.Kernels.Host.Simd;

namespace ScratchVae.Kernels.Host;

public sealed unsafe partial class HostBackend
{
    /// <summary>
    /// The bytes of unfolded patches one image group may take: about a core's L2 cache (1 MiB on Zen 4; on Zen 3's
    /// 512 KiB the GEMM reads them from L3 once, into its packed panels). A larger group gives the GEMM wider panels:
    /// on the conv VAE's 32 → 64 layer, 2 images per group ran its GEMM at 89 GFLOP/s a core and 8 at 110
    /// (docs/perf-notes.md, "Convolution").
    /// </summary>
    internal const int PatchBytesPerGroup = 1024 * 1024;

    /// <summary>The number of groups is a multiple of this (8), so that they split evenly over 1, 2, 4 or 8 threads.</summary>
    internal const int MinimumGroups = 8;

    /// <summary>The weight gradient is summed in at most this many partial sums (a number fixed by the shape, not the threads).</summary>
    internal const int WeightGradientSlots = 8;

    // The GEMM of one group runs inside a pool job, on that job's thread: a pool of one thread, no workers of its own.
    private readonly WorkerPool _singleThread = new(1);
    private readonly SharedScratch _weightPartials = new();

    /// <inheritdoc />
    public void Conv2d<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> weight, DeviceBuffer<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2d";
        CheckConvolution(primitive, geometry, (nameof(input), input, geometry.InputLength), (nameof(weight), weight, geometry.WeightLength), (nameof(output), output, geometry.OutputLength));
        if (geometry.Batch == 0) return;
        int images = GroupSize<T>(geometry);
        Run(new ConvolutionJob<T>(ConvolutionPass.Forward, geometry, images, _singleThread, Pointer(input), Pointer(weight), Pointer(output), false, null, 0), GroupCount(geometry, images));
    }

    /// <inheritdoc />
    public void Conv2dBackwardInput<T>(ConvolutionGeometry geometry, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weight, DeviceBuffer<T> inputGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2dBackwardInput";
        CheckConvolution(primitive, geometry, (nameof(outputGradient), outputGradient, geometry.OutputLength), (nameof(weight), weight, geometry.WeightLength), (nameof(inputGradient), inputGradient, geometry.InputLength));
        if (geometry.Batch == 0) return;
        int images = GroupSize<T>(geometry);
        Run(new ConvolutionJob<T>(ConvolutionPass.BackwardInput, geometry, images, _singleThread, Pointer(inputGradient), Pointer(weight), Pointer(outputGradient), accumulate, null, 0),
            GroupCount(geometry, images));
    }

    /// <inheritdoc />
    public void Conv2dBackwardWeight<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weightGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string primitive = "Conv2dBackwardWeight";
        CheckConvolution(primitive, geometry, (nameof(input), input, geometry.InputLength), (nameof(outputGradient), outputGradient, geometry.OutputLength), (nameof(weightGradient), weightGradient, geometry.WeightLength));
        T* dw = Pointer(weightGradient);
        // No images: dw is the empty sum, 0.
        if (geometry.Batch == 0)
        {
            if (!accumulate) new Span<T>(dw, geometry.WeightLength).Clear();
            return;
        }
        int images = GroupSize<T>(geometry), groups = GroupCount(geometry, images), slots = Math.Min(groups, WeightGradientSlots);
        // dw = Σ over slots of (Σ over the slot's groups, in order); one slot writes dw directly.
        T* partials = slots == 1 ? null : _weightPartials.Get<T>((long)slots * geometry.WeightLength);
        Run(new ConvolutionJob<T>(ConvolutionPass.BackwardWeight, geometry, images, _singleThread, Pointer(input), dw, Pointer(outputGradient), accumulate, partials, slots), slots);
        if (slots > 1)
        {
            int chunks = FlatChunks(geometry.WeightLength, out int chunkSize);
            Run(new SlotSumJob<T>(partials, slots, geometry.WeightLength, dw, accumulate, chunkSize), chunks);
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

    // G: as many images as fit the patch budget (at least one), then evened out so that the number of groups is a
    // multiple of MinimumGroups where the batch allows it. The shape alone decides, never the thread count.
    private static int GroupSize<T>(ConvolutionGeometry g) where T : unmanaged
    {
        long perImage = (long)g.PatchLength * g.OutputHeight * g.OutputWidth * sizeof(T);
        long fit = Math.Clamp(PatchBytesPerGroup / Math.Max(perImage, 1), 1, g.Batch);
        long groups = (g.Batch + fit - 1) / fit;
        groups = (groups + MinimumGroups - 1) / MinimumGroups * MinimumGroups;
        return (int)Math.Max(1, (g.Batch + groups - 1) / groups);
    }

    private static int GroupCount(ConvolutionGeometry g, int images) => (g.Batch + images - 1) / images;

    private enum ConvolutionPass { Forward, BackwardInput, BackwardWeight }

    /// <summary>
    /// One image group (forward and input gradient) or one slot of groups (weight gradient) per chunk. For the forward
    /// pass <c>images</c> is x and <c>result</c> y; for the input gradient <c>images</c> is dx; for the weight gradient
    /// <c>weight</c> is dw.
    /// </summary>
    private readonly struct ConvolutionJob<T>(ConvolutionPass pass, ConvolutionGeometry g, int groupImages, WorkerPool single,
        T* images, T* weight, T* result, bool accumulate, T* partials, int slots) : IChunkJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            var scratch = ConvolutionScratch.ForCurrentThread();
            int pixels = g.OutputHeight * g.OutputWidth;
            if (pass == ConvolutionPass.BackwardWeight)
            {
                int groups = GroupCount(g, groupImages);
                int firstGroup = (int)((long)index * groups / slots), endGroup = (int)((long)(index + 1) * groups / slots);
                T* target = slots == 1 ? weight : partials + (long)index * g.WeightLength;
                for (int group = firstGroup; group < endGroup; group++)
                {
                    int first = group * groupImages, count = Math.Min(groupImages, g.Batch - first), columns = count * pixels;
                    T* patches = scratch.Patches<T>((long)g.PatchLength * columns);
                    PatchLoops.Unfold(g, images, first, count, patches, scratch);
                    T* dy = ChannelMajor(scratch, result, g.OutputChannels, pixels, first, count);
                    // dw_slot (+)= dy_cm · patchesᵀ; the slot's first group overwrites (or adds into dw, for one slot accumulating).
                    T beta = group > firstGroup || (slots == 1 && accumulate) ? T.One : T.Zero;
                    PackedGemm.Multiply(single, false, true, g.OutputChannels, g.PatchLength, columns, T.One, dy, patches, beta, target);
                }
                return;
            }
            int firstImage = index * groupImages, imageCount = Math.Min(groupImages, g.Batch - firstImage), groupColumns = imageCount * pixels;
            if (pass == ConvolutionPass.Forward)
            {
                T* patches = scratch.Patches<T>((long)g.PatchLength * groupColumns);
                PatchLoops.Unfold(g, images, firstImage, imageCount, patches, scratch);
                // y_cm = w · patches; one image's channel-major block is its NCHW block, so the GEMM writes y directly.
                T* y = imageCount == 1 ? result + (long)firstImage * g.OutputChannels * pixels : scratch.ChannelMajor<T>((long)g.OutputChannels * groupColumns);
                PackedGemm.Multiply(single, false, false, g.OutputChannels, groupColumns, g.PatchLength, T.One, weight, patches, T.Zero, y);
                if (imageCount > 1) PatchLoops.Transpose(result, y, g.OutputChannels, pixels, firstImage, imageCount, toChannelMajor: false);
            }
            else
            {
                T* dy = ChannelMajor(scratch, result, g.OutputChannels, pixels, firstImage, imageCount);
                T* patches = scratch.Patches<T>((long)g.PatchLength * groupColumns);
                // dpatches = wᵀ · dy_cm, then folded back onto the group's images.
                PackedGemm.Multiply(single, true, false, g.PatchLength, groupColumns, g.OutputChannels, T.One, weight, dy, T.Zero, patches);
                PatchLoops.Fold(g, patches, firstImage, imageCount, images, accumulate, scratch);
            }
        }

        // A group of an NCHW tensor in channel-major order: in place for one image, else copied to the thread's scratch.
        private static T* ChannelMajor(ConvolutionScratch scratch, T* tensor, int channels, int pixels, int first, int count)
        {
            if (count == 1) return tensor + (long)first * channels * pixels;
            T* channelMajor = scratch.ChannelMajor<T>((long)channels * count * pixels);
            PatchLoops.Transpose(tensor, channelMajor, channels, pixels, first, count, toChannelMajor: true);
            return channelMajor;
        }
    }

    /// <summary>dw[e] = (dw[e] +) partial₀[e] + partial₁[e] + … in slot order, over a chunk of elements.</summary>
    private readonly struct SlotSumJob<T>(T* partials, int slots, int length, T* dw, bool accumulate, int chunkSize) : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int index)
        {
            int first = index * chunkSize, count = Math.Min(chunkSize, length - first);
            T* target = dw + first;
            if (accumulate) ElementwiseLoops.AddInto(partials + first, target, count);
            else new ReadOnlySpan<T>(partials + first, count).CopyTo(new Span<T>(target, count));
            for (int s = 1; s < slots; s++) ElementwiseLoops.AddInto(partials + (long)s * length + first, target, count);
        }
    }
}
