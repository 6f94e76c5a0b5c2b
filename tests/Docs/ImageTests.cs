using System.Buffers.Binary;

namespace ScratchVae.Tests.Docs;

/// <summary>The pictures committed under docs/images stay small, are real PNGs, and are all shown somewhere.</summary>
[TestFixture]
public class ImageTests
{
    private const long MaximumBytes = 100 * 1024;

    private static string[] Images() => Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs", "images"), "*.png");

    [Test]
    public void EveryCommittedPictureIsASmallPng()
    {
        Assert.That(Images(), Is.Not.Empty);
        foreach (string path in Images())
        {
            var bytes = File.ReadAllBytes(path);
            Assert.That(bytes.LongLength, Is.LessThan(MaximumBytes), Path.GetFileName(path));
            Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{Path.GetFileName(path)}: PNG signature");
            int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
            Assert.That(width is > 0 and <= 2000 && height is > 0 and <= 2000, $"{Path.GetFileName(path)}: {width}×{height}");
        }
    }

    [Test]
    public void EveryCommittedPictureIsShownInTheDocuments()
    {
        // The README shows pictures too (the explorer's screenshot).
        string documents = string.Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Append(Path.Combine(RepositoryRoot.Path, "README.md")).Select(File.ReadAllText));
        var unused = Images().Select(Path.GetFileName).Where(name => !documents.Contains("images/" + name, StringComparison.Ordinal)).ToList();
        Assert.That(unused, Is.Empty);
    }
}
