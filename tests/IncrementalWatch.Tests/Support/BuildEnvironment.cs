namespace IncrementalWatch.Tests.Support;

/// <summary>The environment for a `dotnet` child process started by a test.</summary>
public static class BuildEnvironment
{
    /// <summary>
    /// Settings every process a test starts gets on top of the inherited environment: builds
    /// started by tests must not leave MSBuild or compiler server nodes behind.
    /// </summary>
    public static void AddRunSettings(IDictionary<string, string?> environment)
    {
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
    }

    /// <summary>
    /// Removes what `dotnet test` passes down from its own MSBuild (paths to its MSBuild and
    /// SDK resolvers) so the child build is a plain user build, and sets NUGET_PACKAGES.
    /// </summary>
    public static Dictionary<string, string?> Clean(string? packagesDirectory)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry pair in Environment.GetEnvironmentVariables())
        {
            string key = (string)pair.Key;
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && !key.Equals("MSBUILDDISABLENODEREUSE", StringComparison.OrdinalIgnoreCase))
            {
                environment[key] = null;
            }
        }

        environment["DOTNET_HOST_PATH"] = null;

        // A compiler server started by a test build would outlive the test run.
        environment["UseSharedCompilation"] = "false";
        if (packagesDirectory is not null)
        {
            environment["NUGET_PACKAGES"] = packagesDirectory;
        }

        return environment;
    }
}
