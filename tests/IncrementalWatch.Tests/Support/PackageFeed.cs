namespace IncrementalWatch.Tests.Support;

/// <summary>
/// The package under test, packed once per test run from the current sources into a private
/// folder feed, with a private NUGET_PACKAGES folder so no earlier extraction of the same
/// version is reused.
/// </summary>
public sealed class PackageFeed
{
    private static readonly Lazy<PackageFeed> s_instance = new(() => new PackageFeed(), LazyThreadSafetyMode.ExecutionAndPublication);

    private PackageFeed()
    {
        RunDirectory = Path.Combine(Path.GetTempPath(), "iw-tests", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        FeedDirectory = Path.Combine(RunDirectory, "feed");
        PackagesDirectory = Path.Combine(RunDirectory, "nuget-packages");
        Directory.CreateDirectory(FeedDirectory);

        var pack = ProcessRunner.Run(
            "dotnet",
            ["pack", Path.Combine(RepoPaths.Root, "src", "IncrementalWatch.Tasks", "IncrementalWatch.Tasks.csproj"), "-c", "Release", "-o", FeedDirectory, "-nologo", "-tl:off"],
            RepoPaths.Root,
            BuildEnvironment.Clean(null));
        if (!pack.Succeeded)
        {
            throw new InvalidOperationException($"Packing IncrementalWatch failed:\n{pack.Output}");
        }

        string package = Directory.GetFiles(FeedDirectory, "IncrementalWatch.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(package)["IncrementalWatch.".Length..];
    }

    public static PackageFeed Instance => s_instance.Value;

    /// <summary>Everything this test run writes lives here; failed tests leave their workspace in it.</summary>
    public string RunDirectory { get; }

    public string FeedDirectory { get; }

    public string PackagesDirectory { get; }

    public string Version { get; }
}
