using System.IO.Compression;
using ScratchVae.Vae.Data;

namespace ScratchVae.Tests.Vae;

[TestFixture]
public class IdxReaderTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("idx-tests").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static byte[] Idx(int[] dims, byte[] data, byte type = 0x08)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (int d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private string Save(string name, byte[] bytes, bool gzip)
    {
        string path = Path.Combine(_folder, name);
        if (!gzip) File.WriteAllBytes(path, bytes);
        else
        {
            using var file = File.Create(path);
            using var stream = new GZipStream(file, CompressionLevel.Fastest);
            stream.Write(bytes);
        }
        return path;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ReadsDimensionsAndDataBigEndian(bool gzip)
    {
        var data = Enumerable.Range(0, 2 * 3 * 300).Select(i => (byte)(i % 251)).ToArray();
        string path = Save("images.idx" + (gzip ? ".gz" : ""), Idx([2, 3, 300], data), gzip);
        var array = IdxReader.Read(path);
        Assert.That(array.Dimensions, Is.EqualTo(new[] { 2, 3, 300 }));
        Assert.That(array.Data, Is.EqualTo(data));
    }

    [Test]
    public void ReadingAStreamAndParsingBytesAgree()
    {
        var data = Enumerable.Range(0, 3 * 5 * 7).Select(i => (byte)(i * 13)).ToArray();
        byte[] file = Idx([3, 5, 7], data);
        var parsed = IdxReader.Parse(file, "bytes");
        var streamed = IdxReader.Read(new MemoryStream(file), "stream");
        Assert.That(streamed.Dimensions, Is.EqualTo(parsed.Dimensions));
        Assert.That(streamed.Data, Is.EqualTo(parsed.Data).And.EqualTo(data));
        var truncated = Assert.Throws<DataFormatException>(() => IdxReader.Read(new MemoryStream(file[..^4]), "cut"));
        Assert.That(truncated!.Message, Does.Contain("cut").And.Contain("need 105 data bytes but the file has 101 (truncated)"));
    }

    // A corrupt header that claims 1.6 GB in a file of a few bytes is refused without allocating what it claims.
    [TestCase(false)]
    [TestCase(true)]
    public void AHeaderThatClaimsGigabytesIsRefusedWithoutAllocatingThem(bool gzip)
    {
        string path = Save("huge" + (gzip ? ".gz" : ""), Idx([60000, 28, 1000], [1, 2, 3]), gzip);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(error!.Message, Does.Contain(path).And.Contain("need 1680000000 data bytes but the file has 3 (truncated)"));
        Assert.That(allocated, Is.LessThan(4 << 20), "bytes allocated to find out");
    }

    [Test]
    public void AStreamWithoutLengthGrowsItsArrayAsDataArrives()
    {
        var data = Enumerable.Range(0, 3 * 700 * 1000).Select(i => (byte)(i % 253)).ToArray(); // 2.1 MB: past the first 1 MB chunk
        var array = IdxReader.Read(new NonSeekableStream(Idx([3, 700, 1000], data)), "pipe");
        Assert.That(array.Data, Is.EqualTo(data));
        var cut = Assert.Throws<DataFormatException>(() => IdxReader.Read(new NonSeekableStream(Idx([3, 700, 1000], data[..1500000])), "pipe"));
        Assert.That(cut!.Message, Does.Contain("need 2100000 data bytes but the file has 1500000 (truncated)"));
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Test]
    public void LoadsImagesAsPixelsOver255WithLabels()
    {
        string images = Save("train-images-idx3-ubyte", Idx([2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4]), false);
        string labels = Save("train-labels-idx1-ubyte", Idx([2], [7, 3]), false);
        var set = ImageDataSet.Load(images, labels);
        Assert.That(set.Count, Is.EqualTo(2));
        Assert.That(set.Image(0).ToArray(), Is.EqualTo(new[] { 0f, 1f, 51 / 255f, 102 / 255f }));
        Assert.That(set.Labels, Is.EqualTo(new byte[] { 7, 3 }));
    }

    [Test]
    public void CorruptFilesAreRefusedWithTheFileAndTheProblem()
    {
        var cases = new (string Name, byte[] Bytes, string Expected)[]
        {
            ("short", [0, 0], "fewer than the 4-byte"),
            ("magic", [1, 2, 8, 1, 0, 0, 0, 1, 5], "not an IDX file"),
            ("type", Idx([1], [5], type: 0x0D), "not supported"),
            ("truncated", Idx([2, 2], [1, 2, 3]), "truncated"),
            ("trailing", Idx([1], [1, 2]), "trailing"),
            ("header", [0, 0, 8, 3, 0, 0], "header needs 16 bytes"),
        };
        foreach (var (name, bytes, expected) in cases)
        {
            string path = Save(name, bytes, false);
            var error = Assert.Throws<DataFormatException>(() => IdxReader.Read(path), name);
            Assert.That(error!.Message, Does.Contain(path).And.Contain(expected), name);
        }
        string missing = Path.Combine(_folder, "nothing-here");
        Assert.That(Assert.Throws<DataFormatException>(() => IdxReader.Read(missing))!.Message, Does.Contain(missing));
        // A real gzip file whose deflate stream is damaged: the reader reports the gzip problem, not garbage.
        string goodGzip = Save("good.gz", Idx([4, 28, 28], Enumerable.Range(0, 4 * 784).Select(i => (byte)(i * 7)).ToArray()), true);
        byte[] damaged = File.ReadAllBytes(goodGzip);
        for (int i = 12; i < 40 && i < damaged.Length - 8; i++) damaged[i] = 0xFF;
        string badGzip = Save("bad.gz", damaged, false);
        Assert.That(Assert.Throws<DataFormatException>(() => IdxReader.Read(badGzip))!.Message, Does.Contain(badGzip).And.Contain("gzip"));
    }

    [Test]
    public void MismatchedImagesAndLabelsAreRefused()
    {
        string images = Save("i", Idx([2, 3, 3], new byte[18]), false);
        string fewLabels = Save("l", Idx([1], [0]), false);
        Assert.That(Assert.Throws<DataFormatException>(() => ImageDataSet.Load(images, fewLabels))!.Message, Does.Contain("1 labels").And.Contain("2 images"));
        string labels = Save("l2", Idx([2], [0, 1]), false);
        Assert.That(Assert.Throws<DataFormatException>(() => ImageDataSet.Load(images, labels, 28, 28))!.Message, Does.Contain("3×3").And.Contain("28×28"));
    }

    [Test]
    public void EmbeddedMnistHasTheDocumentedSplit()
    {
        var split = DataSources.Load("mnist");
        Assert.That(split.Train.Count, Is.EqualTo(9000));
        Assert.That(split.Test.Count, Is.EqualTo(1000));
        Assert.That(split.Train.Height, Is.EqualTo(28));
        int[] testCounts = new int[10];
        foreach (byte label in split.Test.Labels) testCounts[label]++;
        Assert.That(testCounts, Is.EqualTo(new[] { 107, 105, 114, 102, 99, 84, 101, 114, 75, 99 }));
        Assert.That(split.Train.Pixels.Max(), Is.EqualTo(1f));
        Assert.That(split.Train.Pixels.Min(), Is.EqualTo(0f));
    }

    [Test]
    public void MissingFolderNamesTheFolderAndTheFix()
    {
        string folder = Path.Combine(_folder, "absent");
        Assert.That(Assert.Throws<DataFormatException>(() => DataSources.Load(folder))!.Message, Does.Contain(folder));
        Directory.CreateDirectory(folder);
        Assert.That(Assert.Throws<DataFormatException>(() => DataSources.Load(folder))!.Message, Does.Contain("train-images-idx3-ubyte"));
    }
}
