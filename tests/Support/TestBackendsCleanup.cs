using NUnit.Framework;
using ScratchVae.Tests.Support;

// In the global namespace on purpose: a set-up fixture there wraps every test in the assembly,
// whatever namespace the tests that used the shared backends live in.

/// <summary>Releases the shared test backends once every test in the assembly has run.</summary>
[SetUpFixture]
public sealed class TestBackendsCleanup
{
    /// <summary>Disposes the shared backends.</summary>
    [OneTimeTearDown]
    public void DisposeBackends() => TestBackends.DisposeAll();
}
