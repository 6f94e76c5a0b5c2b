using ScratchVae.Vae.Data;

namespace ScratchVae.Tests.Demonstrations;

/// <summary>A small slice of the embedded MNIST, loaded once, for running the demonstrations at tiny sizes.</summary>
public static class DemoData
{
    private static readonly Lazy<DataSplit> Split = new(() =>
    {
        var data = DataSources.Load("mnist");
        return data with { Train = data.Train.Take(256), Test = data.Test.Take(128) };
    });

    /// <summary>256 training and 128 test images.</summary>
    public static DataSplit Small => Split.Value;
}
