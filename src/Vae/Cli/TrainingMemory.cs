using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// The memory a training configuration needs, estimated before anything is allocated, so that one that cannot fit
/// is refused with the figures instead of failing part-way (or a shape that overflows 2³¹ elements).
/// </summary>
public static class TrainingMemory
{
    /// <summary>
    /// Bytes for <paramref name="model"/> trained in batches of <paramref name="batch"/>: the parameters with their
    /// gradients and two optimizer moments (4 copies), and per batch row about six float32 values per unit of every
    /// layer (outputs and gradients of the recorded operations, for a full batch and a smaller last one).
    /// </summary>
    public static (long Parameters, long Activations) Estimate(VaeOptions model, int batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        long parameters = model.ParameterCount * sizeof(float) * 4;
        long units = 2L * model.InputSize + 2L * model.HiddenSizes.Sum(h => (long)h) + 6L * model.LatentSize;
        // Convolutional: the feature maps 32 × (S/2)² = 8S² and 64 × (S/4)² = 4S² in the encoder and again in the decoder,
        // the flattened features, and the host's unfolded patches (about 32 S² values per example at the widest layer).
        if (model.Architecture == Architecture.Conv) units += 2L * (12L * model.InputSize + model.ConvFeatures) + 32L * model.InputSize / 6;
        long activations = 2 * 6 * units * batch * sizeof(float);
        return (parameters, activations);
    }

    /// <summary>Throws <see cref="UsageException"/> with the figures when the configuration cannot fit on <paramref name="device"/>.</summary>
    public static void Check(VaeOptions model, int batch, DataSplit data, Device device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        long widest = Math.Max(model.InputSize, Math.Max(model.LatentSize, model.HiddenSizes.DefaultIfEmpty(0).Max()));
        if (model.Architecture == Architecture.Conv) widest = 8L * model.InputSize; // the first feature map, 32 × (S/2)²
        if ((long)batch * widest > int.MaxValue)
            throw new UsageException($"train: a batch of {batch} by a layer {widest} wide is {(long)batch * widest:N0} values, more than one tensor can hold ({int.MaxValue:N0}); use a smaller --batch or narrower --hidden.");
        var (parameters, activations) = Estimate(model, batch);
        // Host memory holds everything on the host backends; a GPU's own memory is checked by its allocator.
        if (device.Name is not ("host" or "ilgpu-cpu")) return;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long needed = parameters + activations + (long)(data.Train.Count + data.Test.Count) * data.Train.PixelsPerImage * sizeof(float);
        if (needed > available * 9 / 10)
            throw new UsageException(FormattableString.Invariant(
                $"train: this configuration needs about {needed / 1073741824.0:F1} GiB (parameters, gradients and optimizer state {parameters / 1073741824.0:F1} GiB, activations for batches of {batch} {activations / 1073741824.0:F1} GiB, data) but {available / 1073741824.0:F1} GiB are available; use a smaller --batch or narrower --hidden."));
    }
}
