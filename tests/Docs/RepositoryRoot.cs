namespace ScratchVae.Tests.Docs;

/// <summary>The repository's root folder: the nearest folder above the test binaries that holds ScratchVae.sln.</summary>
public static class RepositoryRoot
{
    /// <summary>The root's full path; fails the test when no ScratchVae.sln is found above the test directory.</summary>
    public static string Path
    {
        get
        {
            for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
                if (File.Exists(System.IO.Path.Combine(folder.FullName, "ScratchVae.sln"))) return folder.FullName;
            Assert.Fail($"No ScratchVae.sln in any folder above {TestContext.CurrentContext.TestDirectory}.");
            return "";
        }
    }
}
