namespace IncrementalWatch.Host.Watch;

public enum WatchSignalKind
{
    /// <summary>Something happened at a path (created, written, deleted, renamed to or from).</summary>
    Path,

    /// <summary>A writer closed the file at this path (inotify's IN_CLOSE_WRITE): a save is complete.</summary>
    Written,

    /// <summary>Events may have been lost (queue overflow, watcher error, a new directory): scan everything.</summary>
    Rescan,

    /// <summary>Events cannot be had (watch limit reached): poll from now on.</summary>
    Unavailable,

    /// <summary>Time for the periodic reconciling scan or a poll.</summary>
    Scan,

    /// <summary>dotnet build -t:WatchRestart asked for a rebuild and a restart now.</summary>
    RestartRequested,
}

/// <summary>One thing the watch loop is told.</summary>
public readonly record struct WatchSignal(WatchSignalKind Kind, string Detail);
