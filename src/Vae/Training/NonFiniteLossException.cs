namespace ScratchVae.Vae.Training;

/// <summary>Training stopped because a loss became NaN or infinite; the last good checkpoint is kept.</summary>
public sealed class NonFiniteLossException(int epoch, int step, double loss)
    : Exception($"the loss became {loss} at epoch {epoch}, step {step} (global); training stopped and the last good checkpoint was kept. Try a smaller --lr.")
{
    /// <summary>The epoch in which it happened.</summary>
    public int Epoch { get; } = epoch;
    /// <summary>The global step (Adam's t) at which it happened.</summary>
    public int Step { get; } = step;
}
