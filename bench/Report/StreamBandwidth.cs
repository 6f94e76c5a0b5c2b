using System.Diagnostics;
using System.Numerics;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Host.Parallel;

namespace ScratchVae.Bench.Report;

/// <summary>
/// Memory bandwidth as the roofline's slanted roof: on the host, STREAM's triad a[i] = b[i] + s · c[i] over three
/// arrays far larger than the last-level cache, split over the host backend's worker threads; on another backend,
/// its Copy primitive over two large device buffers. Bytes counted are those the loop must move (12 per triad element,
/// 8 per copied one; a write-allocate cache reads each written line as well, which is not counted, as STREAM does).
/// </summary>
public static class StreamBandwidth
{
    /// <summary>Floats per array: 64 MiB, twice the largest last-level caches of the machines measured so far.</summary>
    public const int DefaultLength = 16 << 20;

    /// <summary>GB/s of the triad on <paramref name="threads"/> threads: the median of timed passes over about <paramref name="seconds"/>.</summary>
    public static double HostTriad(int threads, double seconds, int length = DefaultLength)
    {
        var a = new float[length];
        var b = new float[length];
        var c = new float[length];
        using var pool = new WorkerPool(threads);
        int chunks = threads * 8, chunk = (length + chunks - 1) / chunks;
        // First touch from the workers (pages land where they are used) and a warm-up pass.
        pool.For(chunks, part => { int from = part * chunk, to = Math.Min(length, from + chunk); b.AsSpan(from, to - from).Fill(1f); c.AsSpan(from, to - from).Fill(2f); a.AsSpan(from, to - from).Clear(); });
        void Pass() => pool.For(chunks, part => Triad(a, b, c, 3f, part * chunk, Math.Min(length, (part + 1) * chunk)));
        Pass();
        return Median(seconds, Pass, 12.0 * length);
    }

    /// <summary>GB/s of <see cref="IBackend.Copy"/> between two buffers of <paramref name="length"/> floats, synchronised after each.</summary>
    public static double BackendCopy(IBackend backend, double seconds, int length = DefaultLength)
    {
        using var source = backend.Allocate<float>(length);
        using var destination = backend.Allocate<float>(length);
        backend.Fill(source, 0, length, 1f);
        void Pass()
        {
            backend.Copy(source, 0, destination, 0, length);
            backend.Synchronize();
        }
        Pass();
        return Median(seconds, Pass, 8.0 * length);
    }

    private static double Median(double seconds, Action pass, double bytes)
    {
        var rates = new List<double>();
        var clock = Stopwatch.StartNew();
        while (rates.Count < 3 || clock.Elapsed.TotalSeconds < seconds)
        {
            long start = Stopwatch.GetTimestamp();
            pass();
            rates.Add(bytes / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }

    private static void Triad(float[] a, float[] b, float[] c, float scalar, int from, int to)
    {
        var s = new Vector<float>(scalar);
        int i = from, width = Vector<float>.Count;
        for (; i + width <= to; i += width)
            (new Vector<float>(b, i) + s * new Vector<float>(c, i)).CopyTo(a, i);
        for (; i < to; i++) a[i] = b[i] + scalar * c[i];
    }
}
