using System.Diagnostics;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Watch;

/// <summary>The result of one rebuild.</summary>
public sealed record BuildResult(bool Succeeded, int ExitCode, TimeSpan Duration);

/// <summary>
/// Rebuilds the project with a plain `dotnet msbuild -restore -t:Build` (the user's own SDK, settings and
/// compiler-server choice), quietly: only errors and warnings reach the console. Restore is
/// skipped unless a project, props, targets or NuGet file changed or the last build failed.
/// The build also writes the watch list (the package's _IncrementalWatchWriteWatchInfo target).
/// </summary>
public sealed class BuildRunner
{
    private readonly WatchOptions _options;
    private readonly ConsoleSink? _output;

    /// <param name="output">Where the build's errors go; null leaves the build the host's stdout and stderr.</param>
    public BuildRunner(WatchOptions options, ConsoleSink? output = null)
    {
        _options = options;
        _output = output;
    }

    public IReadOnlyList<string> ArgumentsFor(bool restore)
    {
        // dotnet msbuild rather than dotnet build: the latter forces a build summary.
        var args = new List<string>
        {
            "msbuild", _options.ProjectFile, "-nologo", "-v:q", "-clp:NoSummary", "-tl:off",
            "-t:Build;_IncrementalWatchWriteWatchInfo",
        };
        if (restore)
        {
            args.Add("-restore");
        }

        args.AddRange(_options.BuildProperties.Select(p => "-p:" + p));
        return args;
    }

    public async Task<BuildResult> BuildAsync(bool restore, CancellationToken cancellation)
    {
        var startInfo = new ProcessStartInfo(_options.DotnetPath)
        {
            UseShellExecute = false,
            WorkingDirectory = _options.WorkingDirectory,
            RedirectStandardOutput = _output is not null,
            RedirectStandardError = _output is not null,
        };
        foreach (string arg in ArgumentsFor(restore))
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (string name in WatchOptions.InjectedVariables)
        {
            startInfo.Environment.Remove(name);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{_options.DotnetPath}' did not start.");
        var pumps = _output is null
            ? Array.Empty<OutputPump>()
            : new[] { OutputPump.Start(process.StandardOutput.BaseStream, _output, "build"), OutputPump.Start(process.StandardError.BaseStream, _output, "build stderr") };
        try
        {
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
            if (process.ExitCode != 0 && pumps.Length > 0)
            {
                // The errors are on screen before the host says the build failed. A child that
                // inherited the pipe (a compiler server lives on) keeps it open, so the wait is bounded.
                await Task.WhenAny(Task.WhenAll(pumps.Select(p => p.Completion)), Task.Delay(TimeSpan.FromSeconds(1), cancellation)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            throw;
        }

        return new BuildResult(process.ExitCode == 0, process.ExitCode, clock.Elapsed);
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
