namespace ScratchVae.Bench.Gemm;

/// <summary>
/// One backend's GEMM set up for one shape: buffers allocated and filled, ready to run C = op(A)·op(B) repeatedly.
/// The host runner calls PackedGemm directly; a backend from Backends.Create(name) can be wrapped the same way.
/// </summary>
public interface IGemmRunner : IDisposable
{
    /// <summary>The backend's name as the tables show it.</summary>
    string Backend { get; }

    /// <summary>Runs one GEMM (alpha = 1, beta = 0) and returns when its result is in C.</summary>
    void Run();
}
