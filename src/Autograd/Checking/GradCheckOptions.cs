namespace ScratchVae.Autograd.Checking;

/// <summary>How <see cref="GradCheck"/> compares the analytic Jacobian with finite differences.</summary>
public enum GradCheckMode
{
    /// <summary>
    /// Every element of the Jacobian: one backward pass per output element, two forward passes per input element.
    /// For small inputs (as torch.autograd.gradcheck).
    /// </summary>
    Full,

    /// <summary>
    /// Random projections ⟨u, J v⟩ with random u (output-shaped) and v (input-shaped): the analytic value is
    /// Σₖ ⟨∂(uᵀ y)/∂xₖ, vₖ⟩ from one backward pass seeded with u; the numeric one is the directional central
    /// difference (⟨u, f(x + εv)⟩ − ⟨u, f(x − εv)⟩) / 2ε. Two forward passes per projection, whatever the size.
    /// </summary>
    RandomProjection,
}

/// <summary>Tolerances and mode of a gradient check; the defaults are PyTorch's gradcheck defaults.</summary>
public sealed record GradCheckOptions
{
    /// <summary>The central-difference step ε (default 1e-6).</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>atol: an element passes when |analytic − numeric| ≤ atol + rtol · |numeric| (default 1e-5).</summary>
    public double AbsoluteTolerance { get; init; } = 1e-5;

    /// <summary>rtol (default 1e-3).</summary>
    public double RelativeTolerance { get; init; } = 1e-3;

    /// <summary>Full Jacobian (default) or random projections.</summary>
    public GradCheckMode Mode { get; init; } = GradCheckMode.Full;

    /// <summary>The number of random projections in <see cref="GradCheckMode.RandomProjection"/> mode (default 8).</summary>
    public int Projections { get; init; } = 8;

    /// <summary>The seed of the projection directions (default 20240601).</summary>
    public int Seed { get; init; } = 20240601;

    /// <summary>PyTorch's defaults: ε 1e-6, atol 1e-5, rtol 1e-3, full Jacobian.</summary>
    public static GradCheckOptions Default { get; } = new();
}
