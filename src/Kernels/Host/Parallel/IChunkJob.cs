namespace ScratchVae.Kernels.Host.Parallel;

/// <summary>One piece of a data-parallel job: <see cref="Run"/> processes chunk <c>index</c> and nothing else.</summary>
internal interface IChunkJob
{
    /// <summary>Processes chunk <paramref name="index"/>.</summary>
    void Run(int index);
}
