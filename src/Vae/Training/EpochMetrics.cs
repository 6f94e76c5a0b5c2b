namespace ScratchVae.Vae.Training;

/// <summary>One epoch's figures; losses are in nats per example, summed over pixels as PyTorch's VAE example reports them.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean −ELBO per training example over the epoch (while the weights were changing).</param>
/// <param name="TestLoss">Mean −ELBO per test example after the epoch.</param>
/// <param name="Reconstruction">Mean −log p(x|z) per test example.</param>
/// <param name="Kl">Mean KL(q(z|x) ‖ p(z)) per test example.</param>
/// <param name="Seconds">Wall time of the epoch's training steps (evaluation excluded).</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TestLoss, double Reconstruction, double Kl, double Seconds)
{
    /// <summary>The line printed per epoch: <c>epoch N train_loss X test_loss Y recon R kl K seconds S</c>.</summary>
    public string ToLine() => FormattableString.Invariant($"epoch {Epoch} train_loss {TrainLoss:F4} test_loss {TestLoss:F4} recon {Reconstruction:F4} kl {Kl:F4} seconds {Seconds:F3}");

    /// <summary>The CSV header matching <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "epoch,train_loss,test_loss,recon,kl,seconds";

    /// <summary>One CSV row.</summary>
    public string ToCsv() => FormattableString.Invariant($"{Epoch},{TrainLoss:R},{TestLoss:R},{Reconstruction:R},{Kl:R},{Seconds:R}");

    /// <summary>Parses a <see cref="ToCsv"/> row.</summary>
    public static EpochMetrics FromCsv(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string shown = line.Length > 80 ? line[..80] + "…" : line;
        var parts = line.Split(',');
        if (parts.Length != 6) throw new FormatException($"a metrics row needs 6 fields, got {parts.Length}: '{shown}'");
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (!int.TryParse(parts[0], System.Globalization.NumberStyles.None, culture, out int epoch) || epoch < 1)
            throw new FormatException($"the epoch '{(parts[0].Length > 20 ? parts[0][..20] + "…" : parts[0])}' is not a whole number from 1 to {int.MaxValue}");
        var values = new double[5];
        for (int i = 0; i < 5; i++)
            if (!double.TryParse(parts[i + 1], System.Globalization.NumberStyles.Float, culture, out values[i]))
                throw new FormatException($"field {i + 2} of the row of epoch {epoch} is not a number: '{shown}'");
        return new EpochMetrics(epoch, values[0], values[1], values[2], values[3], values[4]);
    }
}
