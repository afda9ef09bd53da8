using System.Threading.Channels;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// Polls the folders it is given, each on its own and nothing below: it stats the files it
/// knows there, and lists a folder again only when the folder itself changed (an entry added,
/// removed or renamed changes its modification or change time). It never walks a tree. A file
/// whose facts moved, or that appeared or went, becomes a Path signal, and the loop decides by
/// content; a new folder becomes a Rescan (the loop walks for it and hands it back here). A
/// file just truncated to nothing is reported one poll later, so a save caught half way is not
/// built twice. The wait between polls adapts (<see cref="AdaptiveInterval"/>).
/// </summary>
public sealed class PollingSource : IChangeSource
{
    private readonly ChannelWriter<WatchSignal> _output;
    private readonly AdaptiveInterval _interval;
    private readonly object _lock = new();
    private readonly Dictionary<string, FolderState> _folders = new(PathComparison.Comparer);
    private readonly ManualResetEventSlim _stop = new();

    // Set while there is something to poll: with no folders the thread sleeps until there is.
    private readonly ManualResetEventSlim _hasFolders = new();
    private readonly Thread _thread;

    public PollingSource(ChannelWriter<WatchSignal> output, AdaptiveInterval interval)
    {
        _output = output;
        _interval = interval;
        _thread = new Thread(Run) { IsBackground = true, Name = "poll" };
        _thread.Start();
    }

    /// <summary>How many folders are polled now.</summary>
    public int FolderCount
    {
        get
        {
            lock (_lock)
            {
                return _folders.Count;
            }
        }
    }

    public bool TryWatch(IReadOnlyCollection<string> folders, out string? failure)
    {
        failure = null;
        var wanted = new HashSet<string>(folders, PathComparison.Comparer);
        lock (_lock)
        {
            foreach (string gone in _folders.Keys.Where(f => !wanted.Contains(f)).ToList())
            {
                _folders.Remove(gone);
            }

            foreach (string folder in wanted)
            {
                // A folder new to the poll reports what it holds at its first poll: the loop
                // finds nothing to do for files it knows, and nothing written meanwhile is lost.
                _folders.TryAdd(folder, new FolderState());
            }

            if (_folders.Count > 0)
            {
                _hasFolders.Set();
            }
            else
            {
                _hasFolders.Reset();
            }
        }

        return true;
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        _hasFolders.Dispose();
    }

    private void Run()
    {
        var waits = new[] { _stop.WaitHandle, _hasFolders.WaitHandle };
        while (WaitHandle.WaitAny(waits) != 0 && !_stop.Wait(_interval.Current))
        {
            bool changed = PollOnce();
            if (changed)
            {
                _interval.Changed();
            }
            else
            {
                _interval.Quiet();
            }
        }
    }

    /// <summary>One pass over every polled folder; true when anything moved.</summary>
    public bool PollOnce()
    {
        List<(string Folder, FolderState State)> folders;
        lock (_lock)
        {
            folders = _folders.Select(f => (f.Key, f.Value)).ToList();
        }

        bool changed = false;
        foreach (var (folder, state) in folders)
        {
            changed |= Poll(folder, state);
        }

        return changed;
    }

    private bool Poll(string folder, FolderState state)
    {
        bool changed = false;
        FileFacts folderFacts = FolderFacts(folder);
        if (!folderFacts.Exists)
        {
            if (state.Folder.Exists || state.Files.Count > 0)
            {
                state.Folder = folderFacts;
                state.Files.Clear();
                Post(WatchSignalKind.Rescan, folder);
                return true;
            }

            return false;
        }

        if (folderFacts != state.Folder)
        {
            // Entries were added, removed or renamed: list the folder again.
            bool first = !state.Folder.Exists;
            state.Folder = folderFacts;
            var names = new HashSet<string>(PathComparison.Comparer);
            var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            try
            {
                foreach (string entry in Directory.EnumerateFileSystemEntries(folder, "*", options))
                {
                    names.Add(entry);
                    if (!state.Files.ContainsKey(entry) && !state.Subfolders.Contains(entry))
                    {
                        if (Directory.Exists(entry))
                        {
                            state.Subfolders.Add(entry);
                            if (!first)
                            {
                                Post(WatchSignalKind.Rescan, entry);
                                changed = true;
                            }
                        }
                        else
                        {
                            state.Files[entry] = Facts(entry);
                            Post(WatchSignalKind.Path, entry);
                            changed |= !first;
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return changed;
            }

            foreach (string gone in state.Files.Keys.Where(f => !names.Contains(f)).ToList())
            {
                state.Files.Remove(gone);
                Post(WatchSignalKind.Path, gone);
                changed = true;
            }

            state.Subfolders.RemoveWhere(f => !names.Contains(f));
        }

        foreach (var (file, before) in state.Files.ToList())
        {
            FileFacts now = Facts(file);
            if (now == before)
            {
                continue;
            }

            changed = true;
            if (now.Exists && now.Length == 0 && before.Length > 0 && state.Emptied.Add(file))
            {
                // Just truncated: most likely a save half way (an in-place write truncates
                // first). Reported at the next poll, soon, whether written by then or still empty.
                continue;
            }

            state.Emptied.Remove(file);
            state.Files[file] = now;
            Post(WatchSignalKind.Path, file);
        }

        return changed;
    }

    /// <summary>A folder's last write time, which an added, removed or renamed entry moves.</summary>
    private static FileFacts FolderFacts(string folder)
    {
        var info = new DirectoryInfo(folder);
        return info.Exists
            ? new FileFacts(true, 0, (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100, 0, 0, 0, Trusted: false)
            : FileFacts.Missing;
    }

    private static FileFacts Facts(string path)
    {
        try
        {
            return FileFactsReader.Read(path);
        }
        catch (IOException)
        {
            return FileFacts.Missing;
        }
    }

    private void Post(WatchSignalKind kind, string detail) => _output.TryWrite(new WatchSignal(kind, detail));

    /// <summary>What the last poll saw of one folder.</summary>
    private sealed class FolderState
    {
        public FileFacts Folder { get; set; } = FileFacts.Missing;

        public Dictionary<string, FileFacts> Files { get; } = new(PathComparison.Comparer);

        public HashSet<string> Subfolders { get; } = new(PathComparison.Comparer);

        /// <summary>Files seen truncated to nothing at the last poll, not yet reported.</summary>
        public HashSet<string> Emptied { get; } = new(PathComparison.Comparer);
    }
}
