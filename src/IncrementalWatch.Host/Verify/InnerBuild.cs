using System.Diagnostics;
using IncrementalWatch.Host.Processes;

namespace IncrementalWatch.Host.Verify;

/// <summary>The result of one `dotnet build` the verifier ran; its whole output is in <see cref="LogFile"/>.</summary>
public sealed record InnerBuildResult(bool Succeeded, int ExitCode, TimeSpan Duration, string LogFile, IReadOnlyList<string> Errors);

/// <summary>
/// Runs `dotnet build` on a project the way a CI job would, with the outer build's global
/// properties, English messages (the binary log's reasons are read by their text) and none of
/// the variables the outer MSBuild set for itself.
/// </summary>
public sealed class InnerBuild
{
    private readonly string _dotnet;
    private readonly IReadOnlyList<string> _properties;

    public InnerBuild(string dotnet, IReadOnlyList<string> properties)
    {
        _dotnet = dotnet;
        _properties = properties;
    }

    public async Task<InnerBuildResult> RunAsync(string project, string logFile, bool restore, string? binaryLog = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        File.Delete(logFile);
        var environment = ChildStartInfo.InheritedEnvironment("_MSBUILDTLENABLED");
        environment["DOTNET_CLI_UI_LANGUAGE"] = "en-US";
        environment["DOTNET_NOLOGO"] = "1";

        // The log comes from MSBuild's file logger, complete when the build exits; the console
        // copy goes nowhere (no pipe that a compiler server or node left running would hold open).
        var start = new ChildStartInfo(_dotnet, Arguments(project, restore, binaryLog, logFile).ToList(), Path.GetDirectoryName(project)!, environment)
        {
            DiscardOutput = true,
            Name = "verification build",
        };
        var clock = Stopwatch.StartNew();
        int exitCode = await ChildProcess.Start(start).WaitAsync(StopOptions.KillNow, cancellation).ConfigureAwait(false);

        string text = File.Exists(logFile) ? File.ReadAllText(logFile) : "";
        var errors = text.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(": error ", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Take(5)
            .ToList();
        return new InnerBuildResult(exitCode == 0, exitCode, clock.Elapsed, logFile, errors);
    }

    public IEnumerable<string> Arguments(string project, bool restore, string? binaryLog, string logFile)
    {
        yield return "build";
        yield return project;
        yield return "-nologo";
        yield return "-tl:off";
        yield return "-v:m";
        yield return "-fl";
        yield return $"-flp:LogFile={logFile};Verbosity=normal";
        if (!restore)
        {
            yield return "--no-restore";
        }

        if (binaryLog is not null)
        {
            yield return "-bl:" + binaryLog;
        }

        foreach (string property in _properties)
        {
            // -p: splits at ';' and ',' would not survive either; MSBuild unescapes %3B.
            yield return "-p:" + property.Replace("%", "%25", StringComparison.Ordinal).Replace(";", "%3B", StringComparison.Ordinal);
        }
    }
}
