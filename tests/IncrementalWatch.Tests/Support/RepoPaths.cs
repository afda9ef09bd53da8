namespace IncrementalWatch.Tests.Support;

/// <summary>Locates the repository the tests were built from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestAssets => Path.Combine(Root, "testassets");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IncrementalWatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No IncrementalWatch.sln above {AppContext.BaseDirectory}.");
    }
}
