using System.Diagnostics;
using IncrementalWatch.Host.Watch;

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
        var start = new ProcessStartInfo(_dotnet)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        File.Delete(logFile);
        foreach (string arg in Arguments(project, restore, binaryLog, logFile))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in WatchOptions.InjectedVariables.Append("_MSBUILDTLENABLED"))
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en-US";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{_dotnet}' did not start.");
        process.StandardInput.Close();

        // The log comes from MSBuild's file logger, complete when the build exits. The console
        // copy is only drained: a compiler server or MSBuild node the build left running holds
        // the pipes open, so waiting for their end would stall every verification.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string text = File.Exists(logFile) ? File.ReadAllText(logFile) : "";
        var errors = text.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(": error ", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Take(5)
            .ToList();
        return new InnerBuildResult(process.ExitCode == 0, process.ExitCode, clock.Elapsed, logFile, errors);
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
