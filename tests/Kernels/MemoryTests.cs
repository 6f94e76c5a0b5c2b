using System.Numerics;
using NUnit.Framework;
using ScratchVae.Tests.Support;

namespace ScratchVae.Tests.Kernels;

/// <summary>Upload/Download with offsets, Fill, Copy and Copy2D on every backend and element type.</summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.ByBackendAndType))]
public sealed class MemoryTests<T>(string backendName, T elementType) : BackendFixture<T>(backendName, elementType)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [Test]
    public void UploadAndDownload_WithOffsets_RoundTrip()
    {
        double[] values = Inputs(1, 50, -3, 3);
        var buffer = Filled(60, -1);
        Backend.Upload<T>(TestData.To<T>(values.AsSpan(10, 20)), buffer, destinationOffset: 33);
        var window = new T[25];
        Backend.Download(buffer, 31, window);
        double[] expected = [-1, -1, .. values.AsSpan(10, 20), -1, -1, -1];
        Assert.That(TestData.ToDouble<T>(window), Is.EqualTo(expected));
    }

    [Test]
    public void Fill_WritesExactlyTheRange([Values(1, 2, 7, 31, 33, 127, 257)] int length)
    {
        var buffer = Filled(length + 20, -2.5);
        Backend.Fill(buffer, 9, length, T.CreateTruncating(0.75));
        double[] result = Download(buffer);
        for (int i = 0; i < result.Length; i++)
            Assert.That(result[i], Is.EqualTo(i >= 9 && i < 9 + length ? 0.75 : -2.5), $"element {i}");
    }

    [Test]
    public void Copy_WritesExactlyTheRange([Values(1, 2, 7, 31, 33, 127, 257)] int length)
    {
        double[] source = Inputs(length, length + 11, -3, 3);
        var destination = Filled(length + 20, -2.5);
        Backend.Copy(Upload(source), 11, destination, 5, length);
        double[] result = Download(destination);
        for (int i = 0; i < result.Length; i++)
            Assert.That(result[i], Is.EqualTo(i >= 5 && i < 5 + length ? source[i - 5 + 11] : -2.5), $"element {i}");
    }

    /// <summary>Slicing a column block out of a wider matrix, and concatenating it into another, with offsets and accumulation.</summary>
    [Test]
    public void Copy2D_MatchesReference([Values] bool accumulate)
    {
        foreach (var (rows, columns, sourceStride, destinationStride) in new[]
                 {
                     (1, 1, 1, 1), (3, 7, 10, 7), (7, 31, 31, 40), (33, 20, 784, 20), (2, 127, 130, 300), (LargeRows, 301, 400, 350), (4, 5, 0, 5),
                 })
        {
            const int sourceOffset = 3, destinationOffset = 6;
            int sourceLength = sourceOffset + (rows - 1) * sourceStride + columns + 2;
            int destinationLength = destinationOffset + (rows - 1) * destinationStride + columns + 2;
            double[] source = Inputs(rows + columns, sourceLength, -3, 3);
            double[] before = Inputs(rows * columns, destinationLength, -3, 3);
            var destination = Upload(before);
            Backend.Copy2D(rows, columns, Upload(source), sourceOffset, sourceStride, destination, destinationOffset, destinationStride, accumulate);
            double[] expected = (double[])before.Clone();
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                {
                    int to = destinationOffset + i * destinationStride + j;
                    double value = source[sourceOffset + i * sourceStride + j];
                    expected[to] = accumulate ? before[to] + value : value;
                }
            NumericAssert.AllClose(Download(destination), expected, Tolerance.ElementwiseRelative, 0,
                $"Copy2D of {rows} × {columns}, strides {sourceStride} → {destinationStride} (accumulate {accumulate})");
        }
    }
}
