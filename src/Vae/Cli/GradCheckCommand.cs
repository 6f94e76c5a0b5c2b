// Shape legend: B examples, D pixels, H hidden units, Z latent dimensions. x [B, D]; eps [B, Z].
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Tensors;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Vae.Cli;

/// <summary>
/// <c>scratchvae gradcheck</c>: checks the back-propagated gradient of the whole VAE loss (encoder → reparameterize
/// with a fixed ε → decoder → negative ELBO) with respect to every parameter against central finite differences, in
/// float64 on the chosen device, on a small random model and batch. Full Jacobian for small models; random projections
/// ⟨u, J v⟩ when the model is too large for one pair of forward passes per weight (the default with --pixels 784).
/// </summary>
public static class GradCheckCommand
{
    /// <summary>Above this many parameters the automatic mode switches to random projections.</summary>
    public const int FullModeParameterLimit = 20_000;

    /// <summary>The verb and its flag table: train's architecture flags, with small sizes by default.</summary>
    public static Verb Verb { get; } = new("gradcheck",
        "checks the VAE loss's gradient w.r.t. every parameter against finite differences, in float64, on a small random model",
        [
            CommonFlags.Device with { Default = "host" },
            CommonFlags.Threads,
            .. TrainCommand.ModelFlags.Select(flag => flag.Name switch
            {
                "hidden" => flag with { Default = "5" },
                "latent" => flag with { Default = "2" },
                _ => flag,
            }),
            Flag.Int("pixels", "input size D of the random inputs (conv: a square, its side a multiple of 4)", min: 1, max: 1 << 16) with { DefaultNote = "6; 64 with --architecture conv" },
            CommonFlags.Batch with { Default = "4", Max = 4096, Help = "examples in the random batch" },
            CommonFlags.Seed with { Help = "the seed of the weights, the inputs and ε" },
            Flag.Choice("mode", "the full Jacobian, random projections ⟨u, J v⟩, or auto: projections from --pixels 784 or 20,000 parameters up", "auto", "auto", "full", "projection"),
            Flag.Int("projections", "random projections in projection mode", 8, min: 1, max: 10_000),
        ], Run);

    /// <summary>Runs the verb; returns 0 when the check passes and 1 when it fails.</summary>
    public static int Run(Flags flags)
    {
        // The convolutional architecture needs square images with a side that is a multiple of 4: 8 × 8 by default.
        bool convolutional = flags.Choice("architecture") == "conv";
        int pixels = flags.Int("pixels", convolutional ? 64 : 6);
        int batch = flags.Int("batch");
        ulong seed = (ulong)flags.Int("seed");
        int projections = flags.Int("projections");
        string modeName = flags.Choice("mode");
        // The architecture flags as train reads them, with the small defaults of this verb's table.
        var options = TrainCommand.ModelOptions(flags) with { InputSize = pixels };
        TrainCommand.CheckArchitecture("gradcheck", options);
        var device = CommandSupport.OpenDevice(flags.String("device"), flags.OptionalInt("threads"));

        using var model = new VaeModel<double>(options, device, Seeds.Derive(seed, Seeds.Initialization));
        int parameterCount = (int)model.ParameterCount;
        var mode = modeName switch
        {
            "full" => GradCheckMode.Full,
            "projection" => GradCheckMode.RandomProjection,
            _ => pixels >= 784 || parameterCount > FullModeParameterLimit ? GradCheckMode.RandomProjection : GradCheckMode.Full,
        };
        // Inputs in (0, 1] like pixel intensities, and a fixed ε so that the loss is a deterministic function of the weights.
        using var x = Tensor<double>.Uniform(Shape.Matrix(batch, pixels), Seeds.Derive(seed, Seeds.Shuffle), device: device);
        using var eps = Tensor<double>.Normal(Shape.Matrix(batch, options.LatentSize), Seeds.Derive(seed, Seeds.TrainingNoise), device: device);

        Console.WriteLine($"gradcheck: model {options.Describe()} {options.Activation.ToString().ToLowerInvariant()} " +
                          $"{options.Likelihood.ToString().ToLowerInvariant()}, {model.NamedParameters().Count} parameter tensors ({parameterCount} values), batch {batch}, " +
                          $"float64 on {device.Name}, mode {(mode == GradCheckMode.Full ? "full" : $"projection ({projections} random ⟨u, J v⟩, step 1e-8)")}");
        // A projection moves every weight at once by ε·vᵢ (vᵢ ~ N(0, 1)), so a hidden unit's input moves by about ε·√fan_in:
        // with ReLU and tens of thousands of weights (the convolutional model), 1e-6 often carries some unit across its
        // kink, where no finite difference matches a derivative. 1e-8 keeps them out of reach, and float64 leaves room:
        // the rounding error of the difference, ~1e-16 · |L| / ε, stays far below the tolerance.
        double step = mode == GradCheckMode.Full ? 1e-6 : 1e-8;
        var checkOptions = new GradCheckOptions { Mode = mode, Projections = projections, Seed = (int)(seed % int.MaxValue), Epsilon = step };
        // One call checks the whole module: every parameter of the encoder and decoder, perturbed in place.
        var result = GradCheck.CheckModule(model, () => model.NegativeElbo(Var<double>.Constant(x), eps).Loss, checkOptions);

        var c = CultureInfo.InvariantCulture;
        string where = result.WorstInput >= 0
            ? $"input {result.InputName(result.WorstInput)}, element {result.WorstElement}"
            : $"projection {result.WorstElement} over all inputs";
        Console.WriteLine(string.Create(c,
            $"gradcheck {(result.Passed ? "passed" : "FAILED")} worst_error {result.WorstError:G4} ({where}, analytic {result.Analytic:G10}, numeric {result.Numeric:G10})"));
        Console.WriteLine(result.ToString());
        if (result.LargestNumeric == 0)
        {
            Console.Error.WriteLine("scratchvae: gradcheck: every finite difference was zero, so the check proved nothing.");
            return 1;
        }
        return result.Passed ? 0 : 1;
    }
}
