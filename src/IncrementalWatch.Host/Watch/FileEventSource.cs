using System.Threading.Channels;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// File-system events for a set of directories, as <see cref="WatchSignal"/>s. A watcher error
/// or overflow becomes a Rescan (the loop then compares every file by content, so nothing
/// is lost); a failure to start watching (inotify limits, a file system without events)
/// becomes Unavailable and the loop polls instead. A new directory also asks for a rescan,
/// because files written into it before its watch was added send no events.
/// </summary>
public sealed class FileEventSource : IChangeSource
{
    private readonly ChannelWriter<WatchSignal> _output;
    private readonly List<FileSystemWatcher> _watchers = new();
    private HashSet<string> _current = new(FileSystem.PathComparison.Comparer);

    public FileEventSource(ChannelWriter<WatchSignal> output) => _output = output;

    /// <summary>
    /// Watches each directory (recursively when its value is true). Returns false, with the
    /// reason, when events cannot be had; the caller must then poll.
    /// </summary>
    public bool TryWatch(IReadOnlyDictionary<string, bool> directories, out string? failure)
    {
        failure = null;
        var wanted = directories.Select(d => (d.Value ? "r:" : "f:") + d.Key).ToHashSet(FileSystem.PathComparison.Comparer);
        if (wanted.SetEquals(_current) && _watchers.Count > 0)
        {
            return true;
        }

        DisposeWatchers();
        try
        {
            foreach (var (directory, recursive) in directories)
            {
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                var watcher = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = recursive,
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
