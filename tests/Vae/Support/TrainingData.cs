using ScratchVae.Vae.Data;

namespace ScratchVae.Tests.Vae.Support;

/// <summary>The embedded MNIST digits, loaded once for all tests (decompressing them takes a moment).</summary>
public static class TrainingData
{
    private static readonly Lazy<DataSplit> Mnist = new(() => DataSources.Load("mnist"));

    /// <summary>The first <paramref name="train"/> training and <paramref name="test"/> test digits.</summary>
    public static DataSplit First(int train, int test)
    {
        var data = Mnist.Value;
        return data with { Train = data.Train.Take(train), Test = data.Test.Take(test) };
    }
}
