using System.Diagnostics;
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Bench.Vae;

/// <summary>
/// An <see cref="IBackend"/> that forwards every call to an inner backend and adds the call's wall time to a
/// table keyed by primitive and shape ("Gemm 128x400x784 NT β0", "Map Exp 2560", …). The host backend finishes
/// every primitive before it returns, so the time of a call is the time of its work. Bookkeeping allocates
/// (a key string per call): measure allocations on the undecorated backend.
/// </summary>
internal sealed class TimingBackend(IBackend inner) : IBackend
{
    /// <summary>Calls and seconds of one primitive and shape.</summary>
    public sealed class Entry
    {
        /// <summary>Number of calls.</summary>
        public long Calls;
        /// <summary>Stopwatch ticks spent in them.</summary>
        public long Ticks;
        /// <summary>The fastest call, in ticks: the least disturbed by other processes.</summary>
        public long MinTicks = long.MaxValue;
        /// <summary>Floating-point operations per call (GEMM only; 0 otherwise).</summary>
        public double Flops;
        /// <summary>Bytes the call must read and write at least, per call.</summary>
        public double Bytes;
    }

    private readonly Dictionary<string, Entry> _entries = new();

    /// <summary>Whether calls are recorded (warm-up runs switch it off).</summary>
    public bool Recording { get; set; } = true;

    /// <summary>The table, by key.</summary>
    public IReadOnlyDictionary<string, Entry> Entries => _entries;

    /// <summary>Forgets every entry.</summary>
    public void Clear() => _entries.Clear();

    private static string Op<TOperator>() where TOperator : struct => ScratchVae.Kernels.Operators.OperatorName.Of(typeof(TOperator));

    private static int Size<T>() where T : unmanaged => System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    private readonly struct Timed
    {
        public readonly long Start;
        public Timed(long start) => Start = start;
    }

    private Timed Begin() => new(Stopwatch.GetTimestamp());

    private void End(Timed timed, string key, double bytes, double flops = 0)
    {
        long ticks = Stopwatch.GetTimestamp() - timed.Start;
        if (!Recording) return;
        if (!_entries.TryGetValue(key, out var entry)) _entries[key] = entry = new Entry { Flops = flops, Bytes = bytes };
        entry.Calls++;
        entry.Ticks += ticks;
        entry.MinTicks = Math.Min(entry.MinTicks, ticks);
    }

    /// <inheritdoc />
    public string Name => inner.Name;
    /// <inheritdoc />
    public string Description => inner.Description + " (timed)";

    /// <inheritdoc />
    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        var buffer = inner.Allocate<T>(length);
        End(t, $"Allocate {length}", 0);
        return buffer;
    }

    /// <inheritdoc />
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, int destinationOffset = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Upload(source, destination, destinationOffset);
        End(t, $"Upload {source.Length}", 2.0 * source.Length * Size<T>());
    }

    /// <inheritdoc />
    public void Download<T>(DeviceBuffer<T> source, int sourceOffset, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Download(source, sourceOffset, destination);
        End(t, $"Download {destination.Length}", 2.0 * destination.Length * Size<T>());
    }

    /// <inheritdoc />
    public void Synchronize() => inner.Synchronize();

    /// <inheritdoc />
    public void Gemm<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
        bool readsC = beta != T.Zero;
        End(t, $"Gemm {m}x{n}x{k} {(transposeA ? 'T' : 'N')}{(transposeB ? 'T' : 'N')} β{(readsC ? "1" : "0")}",
            (double)Size<T>() * ((double)m * k + (double)k * n + (readsC ? 2.0 : 1.0) * m * n), 2.0 * m * n * k);
    }

    /// <inheritdoc />
    public void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, int length) where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        var t = Begin();
        inner.Map<T, TOperator>(x, y, length);
        End(t, $"Map {Op<TOperator>()} {length}", 2.0 * length * Size<T>());
    }

    /// <inheritdoc />
    public void MapBackward<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> dy, DeviceBuffer<T> dx, int length, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        var t = Begin();
        inner.MapBackward<T, TOperator>(x, y, dy, dx, length, accumulate);
        End(t, $"MapBackward {Op<TOperator>()} {length}{(accumulate ? " +=" : "")}", (accumulate ? 5.0 : 4.0) * length * Size<T>());
    }

    /// <inheritdoc />
    public void Zip<T, TOperator>(DeviceBuffer<T> a, DeviceBuffer<T> b, DeviceBuffer<T> c, int rows, int columns, Broadcast broadcast, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        var t = Begin();
        inner.Zip<T, TOperator>(a, b, c, rows, columns, broadcast, accumulate);
        double count = (double)rows * columns;
        double bLength = ArgumentChecks.BroadcastLength(broadcast, rows, columns);
        End(t, $"Zip {Op<TOperator>()} {rows}x{columns} {broadcast}{(accumulate ? " +=" : "")}", Size<T>() * ((accumulate ? 3.0 : 2.0) * count + bLength));
    }

    /// <inheritdoc />
    public void Axpby<T>(T alpha, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Axpby(alpha, x, beta, y, length);
        bool readsY = beta != T.Zero;
        End(t, $"Axpby {length} β{(readsY ? "≠0" : "0")}", Size<T>() * (readsY ? 3.0 : 2.0) * length);
    }

    /// <inheritdoc />
    public void SumOverRows<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.SumOverRows(x, rows, columns, y, accumulate);
        End(t, $"SumOverRows {rows}x{columns}{(accumulate ? " +=" : "")}", Size<T>() * ((double)rows * columns + columns));
    }

    /// <inheritdoc />
    public void SumOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.SumOverColumns(x, rows, columns, y, accumulate);
        End(t, $"SumOverColumns {rows}x{columns}{(accumulate ? " +=" : "")}", Size<T>() * ((double)rows * columns + rows));
    }

    /// <inheritdoc />
    public void SumAll<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.SumAll(x, length, y, accumulate);
        End(t, $"SumAll {length}{(accumulate ? " +=" : "")}", Size<T>() * (double)length);
    }

    /// <inheritdoc />
    public void Conv2d<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> weight, DeviceBuffer<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Conv2d(geometry, input, weight, output);
        End(t, $"Conv2d {geometry}", Size<T>() * ((double)geometry.InputLength + geometry.WeightLength + geometry.OutputLength), 2.0 * geometry.MultiplyAdds);
    }

    public void Conv2dBackwardInput<T>(ConvolutionGeometry geometry, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weight, DeviceBuffer<T> inputGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Conv2dBackwardInput(geometry, outputGradient, weight, inputGradient, accumulate);
        End(t, $"Conv2dBackwardInput {geometry}{(accumulate ? " +=" : "")}", Size<T>() * ((double)geometry.InputLength + geometry.WeightLength + geometry.OutputLength), 2.0 * geometry.MultiplyAdds);
    }

    public void Conv2dBackwardWeight<T>(ConvolutionGeometry geometry, DeviceBuffer<T> input, DeviceBuffer<T> outputGradient, DeviceBuffer<T> weightGradient, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Conv2dBackwardWeight(geometry, input, outputGradient, weightGradient, accumulate);
        End(t, $"Conv2dBackwardWeight {geometry}{(accumulate ? " +=" : "")}", Size<T>() * ((double)geometry.InputLength + geometry.WeightLength + geometry.OutputLength), 2.0 * geometry.MultiplyAdds);
    }

    public void AddChannelBias<T>(DeviceBuffer<T> x, DeviceBuffer<T> bias, int batch, int channels, int pixels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.AddChannelBias(x, bias, batch, channels, pixels);
        End(t, $"AddChannelBias {batch}×{channels}×{pixels}", Size<T>() * 2.0 * batch * channels * pixels);
    }

    public void SumPerChannel<T>(DeviceBuffer<T> x, int batch, int channels, int pixels, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.SumPerChannel(x, batch, channels, pixels, y, accumulate);
        End(t, $"SumPerChannel {batch}×{channels}×{pixels}{(accumulate ? " +=" : "")}", Size<T>() * (double)batch * channels * pixels);
    }

    public void SumOfSquares<T>(DeviceBuffer<T> x, int length, DeviceBuffer<T> y, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.SumOfSquares(x, length, y, accumulate);
        End(t, $"SumOfSquares {length}{(accumulate ? " +=" : "")}", Size<T>() * (double)length);
    }

    /// <inheritdoc />
    public void MaxOverColumns<T>(DeviceBuffer<T> x, int rows, int columns, DeviceBuffer<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.MaxOverColumns(x, rows, columns, y);
        End(t, $"MaxOverColumns {rows}x{columns}", Size<T>() * ((double)rows * columns + rows));
    }

    /// <inheritdoc />
    public void Fill<T>(DeviceBuffer<T> x, int offset, int length, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Fill(x, offset, length, value);
        End(t, $"Fill {length}", Size<T>() * (double)length);
    }

    /// <inheritdoc />
    public void Copy<T>(DeviceBuffer<T> source, int sourceOffset, DeviceBuffer<T> destination, int destinationOffset, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Copy(source, sourceOffset, destination, destinationOffset, length);
        End(t, $"Copy {length}", 2.0 * Size<T>() * length);
    }

    /// <inheritdoc />
    public void Copy2D<T>(int rows, int columns, DeviceBuffer<T> source, int sourceOffset, int sourceStride,
        DeviceBuffer<T> destination, int destinationOffset, int destinationStride, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.Copy2D(rows, columns, source, sourceOffset, sourceStride, destination, destinationOffset, destinationStride, accumulate);
        End(t, $"Copy2D {rows}x{columns}{(accumulate ? " +=" : "")}", (accumulate ? 3.0 : 2.0) * Size<T>() * rows * columns);
    }

    /// <inheritdoc />
    public void BiasActivation<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> bias, DeviceBuffer<T> y, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        var t = Begin();
        inner.BiasActivation<T, TOperator>(x, bias, y, rows, columns);
        End(t, $"BiasActivation {Op<TOperator>()} {rows}x{columns}", Size<T>() * (2.0 * rows * columns + columns));
    }

    /// <inheritdoc />
    public void BceWithLogits<T>(DeviceBuffer<T> logits, DeviceBuffer<T> targets, int rows, int columns,
        DeviceBuffer<T>? lossPerRow, DeviceBuffer<T>? gradient, T gradientScale, bool accumulateGradient = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.BceWithLogits(logits, targets, rows, columns, lossPerRow, gradient, gradientScale, accumulateGradient);
        double count = (double)rows * columns;
        string parts = (lossPerRow is null ? "" : " loss") + (gradient is null ? "" : accumulateGradient ? " grad+=" : " grad");
        End(t, $"BceWithLogits {rows}x{columns}{parts}", Size<T>() * (2.0 * count + (gradient is null ? 0 : accumulateGradient ? 2 * count : count)));
    }

    /// <inheritdoc />
    public void AdamUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T> firstMoment, DeviceBuffer<T> secondMoment, int length, AdamSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.AdamUpdate(parameters, gradients, firstMoment, secondMoment, length, settings);
        End(t, $"AdamUpdate {length}{(settings.DecoupledWeightDecay ? " decoupled" : "")}", 7.0 * Size<T>() * length);
    }

    /// <inheritdoc />
    public void SgdUpdate<T>(DeviceBuffer<T> parameters, DeviceBuffer<T> gradients, DeviceBuffer<T>? momentumBuffer, int length, SgdSettings settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.SgdUpdate(parameters, gradients, momentumBuffer, length, settings);
        // θ and g read, θ written; with momentum the buffer is written, and read after the first step.
        double passes = 3.0 + (settings.Momentum == 0 ? 0 : settings.FirstStep ? 1 : 2);
        End(t, $"SgdUpdate {length}{(settings.Momentum == 0 ? "" : settings.Nesterov ? " nesterov" : " momentum")}", passes * Size<T>() * length);
    }

    /// <inheritdoc />
    public void UniformFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.UniformFill(x, offset, length, seed, counterOffset);
        End(t, $"UniformFill {length}", Size<T>() * (double)length);
    }

    /// <inheritdoc />
    public void NormalFill<T>(DeviceBuffer<T> x, int offset, int length, ulong seed, ulong counterOffset, T mean, T standardDeviation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Begin();
        inner.NormalFill(x, offset, length, seed, counterOffset, mean, standardDeviation);
        End(t, $"NormalFill {length}", Size<T>() * (double)length);
    }

    /// <summary>Disposes the inner backend.</summary>
    public void Dispose() => inner.Dispose();
}
