using System.Diagnostics;
using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Watch;

/// <summary>The result of one rebuild, with the watch list it wrote when it succeeded.</summary>
/// <param name="Errors">A failed build's errors as MSBuild wrote them (shown over the open pages); null when none were captured.</param>
public sealed record BuildResult(bool Succeeded, int ExitCode, TimeSpan Duration, WatchInfo? Info = null, string? Errors = null);

/// <summary>What the watch loop asks of a build (a <see cref="BuildRunner"/>, or a stand-in in tests).</summary>
public interface IProjectBuilder
{
    /// <summary>Builds once; on success the result carries the watch list the build wrote.</summary>
    Task<BuildResult> BuildAsync(bool restore, CancellationToken cancellation);

    /// <summary>A project, props or targets file changed: nothing loaded from the old ones may be reused.</summary>
    void ProjectFilesChanged()
    {
    }
}

/// <summary>
/// Rebuilds the project with a plain `dotnet msbuild -restore -t:Build` (the user's own SDK, settings and
/// compiler-server choice), quietly: only errors and warnings reach the console. Restore is
/// skipped unless a project, props, targets or NuGet file changed or the last build failed.
/// The build also writes the watch list (the package's _IncrementalWatchWriteWatchInfo target).
/// </summary>
public sealed class BuildRunner : IProjectBuilder
{
    private readonly WatchOptions _options;
    private readonly ConsoleSink? _output;

    /// <param name="output">Where the build's errors go; null leaves the build the host's stdout and stderr.</param>
    public BuildRunner(WatchOptions options, ConsoleSink? output = null)
    {
        _options = options;
        _output = output;
    }

    /// <summary>What every rebuild runs: the build, then the watch list (from the same evaluation).</summary>
    public static IReadOnlyList<string> Targets { get; } = ["Build", "_IncrementalWatchWriteWatchInfo"];

    /// <summary>
    /// Tells the package's targets that this build also writes the watch list, so that it
    /// classifies the watched inputs early in the build (an ordinary build skips them).
    /// </summary>
    public const string WatchBuildProperty = "_IncrementalWatchWatchBuild=true";

    /// <summary>The global properties of every rebuild: the user's, then <see cref="WatchBuildProperty"/>.</summary>
    public static IReadOnlyList<string> PropertiesFor(WatchOptions options) => [.. options.BuildProperties, WatchBuildProperty];

    /// <summary>The build's errors alone, for the pages' error overlay.</summary>
    public string ErrorsFile => Path.Combine(_options.StateDirectory, "build-errors.log");

    /// <summary>"Name=Value" global properties as a dictionary (the value may hold '=' or ';').</summary>
    public static IReadOnlyDictionary<string, string> PropertiesOf(IEnumerable<string> properties)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string property in properties)
        {
            int equals = property.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                result[property[..equals]] = property[(equals + 1)..];
            }
        }

        return result;
    }

    public IReadOnlyList<string> ArgumentsFor(bool restore)
    {
        // dotnet msbuild rather than dotnet build: the latter forces a build summary.
        var args = new List<string>
        {
            "msbuild", _options.ProjectFile, "-nologo", "-v:q", "-clp:NoSummary", "-tl:off",
            "-t:" + string.Join(';', Targets),
        };
        if (restore)
        {
            args.Add("-restore");
        }

        // A second file logger keeps just the errors, for the pages' error overlay.
        args.Add("-fl9");
        args.Add($"-flp9:LogFile={ErrorsFile};ErrorsOnly;NoSummary;Verbosity=quiet");

        args.AddRange(PropertiesFor(_options).Select(p => "-p:" + p));
        return args;
    }

    public async Task<BuildResult> BuildAsync(bool restore, CancellationToken cancellation)
    {
        var startInfo = new ChildStartInfo(_options.DotnetPath, ArgumentsFor(restore), _options.WorkingDirectory, ChildStartInfo.InheritedEnvironment())
        {
            Sink = _output,
            Name = "build",
        };
        var clock = Stopwatch.StartNew();
        var build = ChildProcess.Start(startInfo);

        // Cancelled (the watch stops): the build and every node it started end at once.
        int exitCode = await build.WaitAsync(StopOptions.KillNow, cancellation).ConfigureAwait(false);
        if (exitCode != 0 && _output is not null)
        {
            // The errors are on screen before the host says the build failed. A child that
            // inherited the pipe (a compiler server lives on) keeps it open, so the wait is bounded.
            await Task.WhenAny(build.OutputClosed, Task.Delay(TimeSpan.FromSeconds(1), cancellation)).ConfigureAwait(false);
        }

        return ResultOf(exitCode, clock.Elapsed);
    }

    /// <summary>A build's result from its exit code: the watch list it wrote, or its errors.</summary>
    public BuildResult ResultOf(int exitCode, TimeSpan duration) => exitCode == 0
        ? new BuildResult(true, 0, duration, WatchInfo.Load(_options.WatchInfoFile))
        : new BuildResult(false, exitCode, duration, Errors: ReadErrors());

    private string? ReadErrors()
    {
        try
        {
            string text = File.ReadAllText(ErrorsFile).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether a change to this file can change what restore produces.</summary>
    public static bool AffectsRestore(string path)
    {
        string name = Path.GetFileName(path);
        string extension = Path.GetExtension(path);
        return extension.EndsWith("proj", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".props", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".targets", StringComparison.OrdinalIgnoreCase)
            || name.Equals("nuget.config", StringComparison.OrdinalIgnoreCase)
            || name.Equals("global.json", StringComparison.OrdinalIgnoreCase)
            || name.Equals("packages.lock.json", StringComparison.OrdinalIgnoreCase);
    }
}
