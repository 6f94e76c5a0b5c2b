using ScratchVae.Vae.Data;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// A set read from 8-bit IDX data keeps its bytes and converts on demand (one image into a caller's buffer, or the
/// whole set on first use of Pixels); both must give exactly byte / 255 in float, as converting everything up front did.
/// </summary>
[TestFixture]
public class ImageDataSetTests
{
    // Every byte value, in images of 5 × 5 = 25 pixels: not a multiple of the vector width, so the scalar tail runs too.
    private static (ImageDataSet Set, byte[] Bytes) EightBitSet(int count = 41)
    {
        var bytes = new byte[count * 25];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(i * 7 % 256);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        var set = ImageDataSet.FromIdx(new IdxReader.IdxArray([count, 5, 5], bytes), new IdxReader.IdxArray([count], labels), "images", "labels");
        return (set, bytes);
    }

    [Test]
    public void CopyImageConvertsEachByteExactly()
    {
        var (set, bytes) = EightBitSet();
        var image = new float[25];
        for (int index = 0; index < set.Count; index++)
        {
            set.CopyImage(index, image);
            for (int p = 0; p < 25; p++)
                Assert.That(image[p], Is.EqualTo(bytes[index * 25 + p] / 255f), $"image {index}, pixel {p}");
        }
    }

    [Test]
    public void PixelsAndImageAgreeWithCopyImage()
    {
        var (set, bytes) = EightBitSet();
        Assert.That(set.Pixels, Is.EqualTo(bytes.Select(b => b / 255f).ToArray()));
        var image = new float[25];
        set.CopyImage(40, image);
        Assert.That(set.Image(40).ToArray(), Is.EqualTo(image));
    }

    [Test]
    public void TakeKeepsTheFirstImages()
    {
        var (set, bytes) = EightBitSet();
        var first = set.Take(3);
        Assert.That(first.Count, Is.EqualTo(3));
        Assert.That(first.Pixels, Is.EqualTo(bytes.Take(75).Select(b => b / 255f).ToArray()));
        Assert.That(first.Labels, Is.EqualTo(set.Labels.Take(3).ToArray()));
    }

    [Test]
    public void AFloatSetCopiesItsPixels()
    {
        var pixels = Enumerable.Range(0, 50).Select(i => i / 64f).ToArray();
        var set = new ImageDataSet(pixels, [1, 2], 5, 5);
        var image = new float[25];
        set.CopyImage(1, image);
        Assert.That(image, Is.EqualTo(pixels[25..]));
    }

    [Test]
    public void CopyImageRefusesABadIndexOrAShortBuffer()
    {
        var (set, _) = EightBitSet(2);
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyImage(2, new float[25]));
        Assert.That(outOfRange!.Message, Does.Contain("2 images"));
        var shortBuffer = Assert.Throws<ArgumentException>(() => set.CopyImage(0, new float[24]));
        Assert.That(shortBuffer!.Message, Does.Contain("25 pixels").And.Contain("24"));
    }
}
