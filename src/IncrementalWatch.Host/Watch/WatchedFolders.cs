using IncrementalWatch.Contracts;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// The folders the watch looks at, each on its own (never recursively): every folder under a
/// watched project's folder that can hold an input, found by a walk that never enters an
/// excluded folder (<see cref="PathFilter.IsExcludedFolder"/>: bin/, obj/, .git/,
/// node_modules/ ...), plus the folder of each watched file outside the project folders.
/// Events, polls and the reconciling scan all use this set, so a large node_modules costs
/// nothing: it is neither walked, nor watched, nor polled. Symbolic links to folders are not
/// followed (a linked folder's files that the project compiles are still watched through
/// their own folders).
/// </summary>
public sealed class WatchedFolders
{
    private WatchedFolders(IReadOnlyList<string> folders) => Folders = folders;

    /// <summary>The folders, each watched on its own, sorted.</summary>
    public IReadOnlyList<string> Folders { get; }

    public static WatchedFolders Of(WatchInfo info, PathFilter filter)
    {
        var folders = new HashSet<string>(PathComparison.Comparer);
        foreach (var project in info.Projects)
        {
            Walk(Path.TrimEndingDirectorySeparator(project.Directory), filter, folders);
        }

        foreach (string file in info.Files)
        {
            if (Path.GetDirectoryName(file) is { } folder && !filter.IsExcludedFolder(folder) && Directory.Exists(folder))
            {
                folders.Add(folder);
            }
        }

        return new WatchedFolders(folders.Order(PathComparison.Comparer).ToList());
    }

    /// <summary>Adds <paramref name="root"/> and every folder below it that is not excluded, without entering excluded ones.</summary>
    public static void Walk(string root, PathFilter filter, ISet<string> into)
    {
        if (filter.IsExcludedFolder(root) || !Directory.Exists(root))
        {
            return;
        }

        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        while (pending.Count > 0)
        {
            string folder = pending.Pop();
            if (!into.Add(folder))
            {
                continue;
            }

            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(folder, "*", options).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string child in children)
            {
                if (!filter.IsExcludedFolder(child))
                {
                    pending.Push(child);
                }
            }
        }
    }
}
