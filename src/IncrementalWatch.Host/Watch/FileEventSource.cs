using System.Threading.Channels;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// File-system events through .NET's FileSystemWatcher, where the platform's API is recursive
/// and costs one handle per tree, not one watch per folder: ReadDirectoryChangesW on Windows,
/// FSEvents on macOS (Linux uses <see cref="InotifyEventSource"/>). Each topmost watched folder
/// gets one recursive watcher; events from folders that are not watched (bin/, node_modules/)
/// are dropped by the loop's filter. A watcher error, including Windows' buffer overflow,
/// becomes a Rescan (the loop then compares every file by content, so nothing is lost); a
/// failure to start watching becomes Unavailable and the loop polls instead. A new directory
/// also asks for a rescan, because files written into it before it was seen send no events.
/// </summary>
public sealed class FileEventSource : IChangeSource
{
    private readonly ChannelWriter<WatchSignal> _output;
    private readonly List<FileSystemWatcher> _watchers = new();
    private HashSet<string> _current = new(FileSystem.PathComparison.Comparer);

    public FileEventSource(ChannelWriter<WatchSignal> output) => _output = output;

    /// <summary>The folders among <paramref name="folders"/> that no other of them contains: one recursive watcher each covers the rest.</summary>
    public static List<string> TopmostOf(IEnumerable<string> folders)
    {
        var roots = new List<string>();
        // Shorter first, so a folder's ancestors in the set are already roots when it comes.
        // (Sorting by name would not do: "App.Tests" sorts between "App" and "App/src".)
        foreach (string folder in folders.Select(Path.TrimEndingDirectorySeparator).Distinct(FileSystem.PathComparison.Comparer).OrderBy(f => f.Length))
        {
            if (!roots.Any(root => folder.StartsWith(root + Path.DirectorySeparatorChar, FileSystem.PathComparison.Comparison)))
            {
                roots.Add(folder);
            }
        }

        return roots.Order(FileSystem.PathComparison.Comparer).ToList();
    }

    public bool TryWatch(IReadOnlyCollection<string> folders, out string? failure)
    {
        failure = null;
        var wanted = TopmostOf(folders).ToHashSet(FileSystem.PathComparison.Comparer);
        if (wanted.SetEquals(_current) && _watchers.Count > 0)
        {
            return true;
        }

        DisposeWatchers();
        try
        {
            foreach (string directory in wanted)
            {
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                var watcher = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    InternalBufferSize = 64 * 1024,
                };
                watcher.Changed += (_, e) => Post(WatchSignalKind.Path, e.FullPath);
                watcher.Created += (_, e) => OnCreated(e.FullPath);
                watcher.Deleted += (_, e) => Post(WatchSignalKind.Path, e.FullPath);
                watcher.Renamed += (_, e) =>
                {
                    Post(WatchSignalKind.Path, e.OldFullPath);
                    OnCreated(e.FullPath);
                };
                watcher.Error += (_, e) => OnError(e.GetException());
                _watchers.Add(watcher);
                watcher.EnableRaisingEvents = true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            failure = ex.Message;
            DisposeWatchers();
            return false;
        }

        _current = wanted;
        return true;
    }

    public void Dispose() => DisposeWatchers();

    private void OnCreated(string path)
    {
        Post(Directory.Exists(path) ? WatchSignalKind.Rescan : WatchSignalKind.Path, path);
    }

    private void OnError(Exception error)
    {
        // inotify reports an exhausted watch limit through Error once watching has begun.
        bool limit = error is IOException && error.Message.Contains("inotify", StringComparison.OrdinalIgnoreCase);
        Post(limit ? WatchSignalKind.Unavailable : WatchSignalKind.Rescan, error.Message);
    }

    private void Post(WatchSignalKind kind, string detail) => _output.TryWrite(new WatchSignal(kind, detail));

    private void DisposeWatchers()
    {
        foreach (var watcher in _watchers)
        {
            watcher.EnableRaisingEvents = false;
            watcher.Dispose();
        }

        _watchers.Clear();
        _current.Clear();
    }
}
