using System.Reflection;

namespace ScratchVae.Vae.Data;

/// <summary>A training set and a test set.</summary>
public sealed record DataSplit(string Name, ImageDataSet Train, ImageDataSet Test);

/// <summary>
/// Resolves the <c>--data</c> flag: "mnist" (the 10,000 digits embedded in this program), "fashion-mnist"
/// (Debian's dataset-fashion-mnist package) or a folder holding the four IDX files.
/// </summary>
public static class DataSources
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts its files.</summary>
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    private static readonly string[] FileStems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Loads the named data set; images must be 28×28 unless <paramref name="anySize"/>.</summary>
    public static DataSplit Load(string name, bool anySize = false)
    {
        int? size = anySize ? null : 28;
        if (name == "mnist") return LoadEmbedded();
        string folder = name == "fashion-mnist" ? FashionMnistFolder : name;
        if (!Directory.Exists(folder))
        {
            string hint = name == "fashion-mnist" ? " (install Debian's package: apt-get install dataset-fashion-mnist)" : " (expected 'mnist', 'fashion-mnist' or a folder with the four IDX files)";
            throw new DataFormatException(folder, "no such folder" + hint);
        }
        string[] paths = FileStems.Select(stem => Find(folder, stem)).ToArray();
        return new DataSplit(name,
            ImageDataSet.Load(paths[0], paths[1], size, size),
            ImageDataSet.Load(paths[2], paths[3], size, size));
    }

    private static string Find(string folder, string stem)
    {
        foreach (string candidate in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx") + ".gz", stem.Replace("-idx", ".idx") })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new DataFormatException(Path.Combine(folder, stem + ".gz"), "missing (a data folder needs train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, gzipped or raw)");
    }

    private static DataSplit LoadEmbedded()
    {
        ImageDataSet Read(string images, string labels) =>
            ImageDataSet.FromIdx(ReadResource(images), ReadResource(labels), images, labels, 28, 28);
        return new DataSplit("mnist",
            Read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
            Read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"));
    }

    private static IdxReader.IdxArray ReadResource(string fileName)
    {
        var assembly = typeof(DataSources).Assembly;
        using var stream = assembly.GetManifestResourceStream("mnist/" + fileName)
            ?? throw new DataFormatException(fileName, "the embedded MNIST resource is missing from this build");
        return IdxReader.ReadGzip(stream, fileName);
    }
}
