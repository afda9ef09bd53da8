using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Watch;

/// <summary>Everything the restart host is told by the Watch target (or its command line).</summary>
public sealed record WatchOptions
{
    public required string ProjectFile { get; init; }

    /// <summary>obj/IncrementalWatch/: the watch list, the app record, the run slots.</summary>
    public required string StateDirectory { get; init; }

    public required string DotnetPath { get; init; }

    /// <summary>Where dotnet build -t:Watch was run; the app's directory unless RunWorkingDirectory says otherwise.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Global properties of the Watch build (Configuration=Release ...), passed to each rebuild.</summary>
    public IReadOnlyList<string> BuildProperties { get; init; } = Array.Empty<string>();

    /// <summary>How the app is started, probed and stopped.</summary>
    public required AppOptions App { get; init; }

    /// <summary>The folder of the MSBuild that runs the Watch build (the SDK's), for the warm build worker; null: none.</summary>
    public string? MSBuildFolder { get; init; }

    /// <summary>The version of the runtime that MSBuild runs on; the worker is started on exactly it.</summary>
    public string? MSBuildRuntime { get; init; }

    /// <summary>Rebuild in the warm build worker (false: a `dotnet msbuild` process per rebuild).</summary>
    public bool WarmBuild { get; init; } = true;

    /// <summary>Poll every watched folder (asked for, or DOTNET_USE_POLLING_FILE_WATCHER).</summary>
    public bool Polling { get; init; }

    /// <summary>Use events everywhere, even on file systems known to deliver none (IncrementalWatchUsePolling=false).</summary>
    public bool NeverPoll { get; init; }

    /// <summary>The mount table that says which folders deliver no events; null: this machine's.</summary>
    public MountTable? Mounts { get; init; }

    /// <summary>The longest wait between polls (the shortest is <see cref="AdaptiveInterval.DefaultMinimum"/>).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How soon after a change every watched file is re-checked even when events arrive; the
    /// wait then doubles after each scan while nothing changes, up to <see cref="ReconcileMaxInterval"/>.
    /// </summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two reconciling scans (an idle watch's).</summary>
    public TimeSpan ReconcileMaxInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Quiet time after the last event before a rebuild starts.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A file of time-stamped events (one per line) for tools and benchmarks; optional.</summary>
    public string? EventsFile { get; init; }

    /// <summary>
    /// The Watch build shows MSBuild's terminal logger: all output goes through one
    /// <see cref="ConsoleSink"/> that keeps its status line intact.
    /// </summary>
    public bool BelowTerminalLogger { get; init; }

    public string WatchInfoFile => Path.Combine(StateDirectory, "watch.info");

    public string RecordFile => App.RecordFile;
}
