using System.Buffers.Binary;
using System.Text;
using ScratchVae.Tensors;

namespace ScratchVae.Tests.Tensors;

[TestFixture]
public class SafeTensorsTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("safetensors-tests").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static byte[] File(string json, byte[] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    [Test]
    public void RoundTripsTensorsAndMetadata()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        var tensors = new List<NamedTensor>
        {
            new("encoder.hidden.0.weight", "F32", [2, 3], [1, -2, 3.5, 0, 1e-3, 7]),
            new("encoder.hidden.0.bias", "F32", [2], [0.25, -0.5]),
            new("adam.step", "F64", [], [Math.PI]),
        };
        SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var (read, metadata) = SafeTensorsFile.Read(path);
        Assert.That(metadata["format"], Is.EqualTo("pt"));
        Assert.That(read.Select(t => t.Name), Is.EquivalentTo(tensors.Select(t => t.Name)));
        foreach (var tensor in tensors)
        {
            var match = read.Single(t => t.Name == tensor.Name);
            Assert.That(match.Shape, Is.EqualTo(tensor.Shape));
            Assert.That(match.DType, Is.EqualTo(tensor.DType));
            var expected = tensor.DType == "F32" ? tensor.Values.Select(v => (double)(float)v).ToArray() : tensor.Values;
            Assert.That(match.Values, Is.EqualTo(expected));
        }
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    [Test]
    public void ReadsAHandWrittenFileByteForByte()
    {
        // {"w": F32 [2] = [1.0, -2.0]}: 1.0f = 00 00 80 3F, -2.0f = 00 00 00 C0 (little-endian).
        byte[] bytes = File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0]);
        var (tensors, _) = SafeTensorsFile.Parse(bytes, "hand");
        Assert.That(tensors.Single().Values, Is.EqualTo(new[] { 1.0, -2.0 }));
    }

    [Test]
    public void WrittenFilesHaveTheDocumentedLayout()
    {
        string path = Path.Combine(_folder, "layout.safetensors");
        SafeTensorsFile.Write(path, [new NamedTensor("x", "F32", [1], [1.0])]);
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(headerLength % 8, Is.EqualTo(0ul), "the header is padded so the data is 8-byte aligned");
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.That(header.TrimEnd(), Is.EqualTo("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"));
        Assert.That(bytes[^4..], Is.EqualTo(new byte[] { 0, 0, 0x80, 0x3F }));
    }

    [Test]
    public void CorruptFilesAreRefused()
    {
        byte[] four = [0, 0, 0x80, 0x3F];
        var cases = new (string Name, byte[] Bytes, string Expected)[]
        {
            ("tiny", [1, 2, 3], "fewer than the 8-byte"),
            ("length", File("{}", []).Select((b, i) => i == 0 ? (byte)200 : b).ToArray(), "header claims"),
            ("json", File("{not json", four), "not valid UTF-8 JSON"),
            ("dtype", File("{\"w\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[0,4]}}", four), "only F32 and F64"),
            ("size", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", four), "needs 8 bytes"),
            ("outside", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", four), "outside"),
            ("uncovered", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", [.. four, .. four]), "cover 4 bytes"),
            ("overlap", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", four), "overlaps"),
            ("gap", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", [.. four, .. four]), "gap"),
            ("metadata", File("{\"__metadata__\":{\"k\":3}}", []), "not a string"),
            ("shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", four), "invalid dimension"),
        };
        foreach (var (name, bytes, expected) in cases)
        {
            var error = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Parse(bytes, name), name);
            Assert.That(error!.Message, Does.Contain(name).And.Contain(expected), name);
        }
    }

    [Test]
    public void AFailedWriteKeepsThePreviousFile()
    {
        string path = Path.Combine(_folder, "keep.safetensors");
        SafeTensorsFile.Write(path, [new NamedTensor("x", "F32", [1], [1.0])]);
        byte[] before = System.IO.File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("simulated crash mid-write");
        }));
        Assert.That(System.IO.File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "the temporary file was removed");
    }
}
