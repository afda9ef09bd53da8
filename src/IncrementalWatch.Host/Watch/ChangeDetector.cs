using IncrementalWatch.Contracts;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// Decides, by content, which of the paths the sources reported are changes worth a rebuild:
/// a watched file whose bytes differ from what the last build read, or a new file the project
/// may take up after re-evaluation (one with an extension some watched file has, or a project,
/// props, targets or NuGet file). A save of identical bytes, a touch, or a write under bin/,
/// obj/ and the never-input folders is no change. Holds the watch list the last good build
/// wrote; knows nothing of processes.
/// </summary>
public sealed class ChangeDetector
{
    private readonly ContentBaseline _baseline = new();
    private readonly HashSet<string> _pendingNew = new(PathComparison.Comparer);
    private HashSet<string> _knownDirectoryFiles = new(PathComparison.Comparer);
    private HashSet<string> _extensions = new(StringComparer.OrdinalIgnoreCase);
    private PathFilter _filter;
    private HashSet<string> _appReadsItself = new(PathComparison.Comparer);
    private WatchedFolders _folders;

    public ChangeDetector(WatchInfo initial)
    {
        (Info, _filter) = Filtered(initial);
        _appReadsItself = (initial.AppReadsItself ?? Array.Empty<string>()).ToHashSet(PathComparison.Comparer);
        _baseline.Capture(Info.Files);
        _extensions = Extensions(Info.Files);
        _folders = WatchedFolders.Of(Info, _filter);
        _knownDirectoryFiles = ScanFolders();
    }

    /// <summary>The watch list, less what is never an input.</summary>
    public WatchInfo Info { get; private set; }

    public bool IsIgnored(string path) => _filter.IsIgnored(path);

    /// <summary>Whether a folder is never walked or watched (<see cref="PathFilter.IsExcludedFolder"/>); safe from any thread.</summary>
    public bool IsExcludedFolder(string folder) => _filter.IsExcludedFolder(folder);

    /// <summary>
    /// Whether the running app reads this file itself (appsettings*.json and wwwroot/ of a web
    /// app, or an item marked IncrementalWatchRestart="false"), so that a change to it needs a
    /// build (it is still copied) but no restart.
    /// </summary>
    public bool AppReadsItself(string path) => _appReadsItself.Contains(path);

    /// <summary>
    /// The URL path a web app serves <paramref name="path"/> at when it lies under a watched
    /// project's wwwroot/ (served from the project folder, never copied); otherwise null.
    /// </summary>
    public string? StaticUrlPath(string path)
    {
        foreach (var project in Info.Projects)
        {
            string root = Path.Combine(project.Directory, "wwwroot") + Path.DirectorySeparatorChar;
            if (path.StartsWith(root, PathComparison.Comparison))
            {
                return "/" + path[root.Length..].Replace(Path.DirectorySeparatorChar, '/');
            }
        }

        return null;
    }

    /// <summary>
    /// After a good build: the files under wwwroot/ that the app reads itself and whose content
    /// moved while the build ran, as when a project's own build step (webpack, a Sass compiler)
    /// writes wwwroot/dist/, or a save came meanwhile. They need no build, only the open pages
    /// told, so they join the baseline now instead of starting another build with what this one
    /// wrote.
    /// </summary>
    public List<string> TakeStaticChangesDuringBuild()
    {
        var moved = _baseline.Paths.Where(p => AppReadsItself(p) && StaticUrlPath(p) is not null && _baseline.HasChanged(p)).ToList();
        _baseline.Capture(moved);
        return moved;
    }

    /// <summary>The folders the sources watch or poll, each on its own (see <see cref="WatchedFolders"/>).</summary>
    public IReadOnlyList<string> Folders => _folders.Folders;

    /// <summary>Walks the project folders again (pruned) for folders created since the last walk.</summary>
    public void RefreshFolders() => _folders = WatchedFolders.Of(Info, _filter);

    /// <summary>The changed paths among <paramref name="batch"/>'s (all watched files and project folders when it asks for a scan).</summary>
    public List<string> Decide(SignalBatch batch)
    {
        var candidates = new HashSet<string>(batch.Paths.Where(p => !_filter.IsIgnored(p)), PathComparison.Comparer);
        if (batch.Scan)
        {
            RefreshFolders();
            candidates.UnionWith(_baseline.Paths);
            var files = ScanFolders();
            candidates.UnionWith(files.Where(f => !_knownDirectoryFiles.Contains(f)));
            _knownDirectoryFiles.IntersectWith(files);
        }

        var changed = new List<string>();
        foreach (string path in candidates)
        {
            if (_baseline.Contains(path))
            {
                if (_baseline.HasChanged(path))
                {
                    changed.Add(path);
                }
            }
            else if (!File.Exists(path))
            {
                _knownDirectoryFiles.Remove(path);
            }
            else if (MayBeNewInput(path) && _knownDirectoryFiles.Add(path))
            {
                // New since the last look: the project may include it after re-evaluation.
                // Later edits of a file the build did not take up restart nothing.
                _pendingNew.Add(path);
                changed.Add(path);
            }
        }

        return changed;
    }

    /// <summary>A build starts: what it reads is the baseline from now, and later edits are new changes.</summary>
    public void BuildStarting()
    {
        _baseline.Capture(_baseline.Paths.Concat(_pendingNew).ToList());
        _pendingNew.Clear();
    }

    /// <summary>A good build wrote a new watch list: files it added join the baseline, files it dropped leave it.</summary>
    public void BuildSucceeded(WatchInfo info, DateTimeOffset started)
    {
        (Info, _filter) = Filtered(info);
        _appReadsItself = (info.AppReadsItself ?? Array.Empty<string>()).ToHashSet(PathComparison.Comparer);
        var files = Info.Files.ToHashSet(PathComparison.Comparer);
        _baseline.RetainOnly(files);
        _baseline.AddDiscovered(files, started);
        _extensions = Extensions(files);
        _knownDirectoryFiles.UnionWith(files);
        RefreshFolders();
    }

    /// <summary>Files the build generates (under obj/) are its outputs, not inputs to watch.</summary>
    private static (WatchInfo Info, PathFilter Filter) Filtered(WatchInfo info)
    {
        var filter = new PathFilter(info.Projects, NeverInputs.FromList(info.NeverInputFolders));
        return (info with { Files = info.Files.Where(f => !filter.IsIgnored(f)).ToList() }, filter);
    }

    /// <summary>The files in the watched folders (each listed on its own) whose kind the project already watches.</summary>
    private HashSet<string> ScanFolders()
    {
        var files = new HashSet<string>(PathComparison.Comparer);
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (string folder in _folders.Folders)
        {
            try
            {
                foreach (string file in Directory.EnumerateFiles(folder, "*", options))
                {
                    if (MayBeNewInput(file))
                    {
                        files.Add(file);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Removed meanwhile; the next walk drops it.
            }
        }

        return files;
    }

    private bool MayBeNewInput(string path)
    {
        if (_filter.IsIgnored(path) || !Info.Projects.Any(p => Under(path, p.Directory)))
        {
            return false;
        }

        string extension = Path.GetExtension(path);
        return BuildRunner.AffectsRestore(path) || (extension.Length > 0 && _extensions.Contains(extension));
    }

    private static HashSet<string> Extensions(IEnumerable<string> files) =>
        files.Select(Path.GetExtension).Where(e => !string.IsNullOrEmpty(e)).ToHashSet(StringComparer.OrdinalIgnoreCase)!;

    private static bool Under(string path, string directory)
    {
        string root = Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar;
        return path.StartsWith(root, PathComparison.Comparison) || string.Equals(path, directory, PathComparison.Comparison);
    }
}
